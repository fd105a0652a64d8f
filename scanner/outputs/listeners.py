"""Listeners: the site code some events need, which the container ships as Custom HTML tags
(listeners_html/<name>.html). Each hooks what the browser or a widget offers and pushes a
dataLayer event, which the event's custom-event trigger then catches."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files


@dataclass(frozen=True)
class Listener:
    name: str  # the plan's TriggerSpec.listener
    title: str
    relies_on: str  # what it needs from the page, said in the plan

    @property
    def script(self) -> str:
        return _script(self.name)


@cache
def _script(name: str) -> str:
    package = files("scanner.outputs")
    return package.joinpath("listeners_html").joinpath(f"{name}.html").read_text(encoding="utf-8")


LISTENERS = {
    listener.name: listener
    for listener in (
        Listener(
            "html5_video",
            "HTML5 video",
            "the page's <video> elements: it listens for play, 25, 50 and 75 % progress and "
            "ended on each (videos added later too) and pushes the event with video_status "
            "(start, progress, complete), video_percent, video_title and video_url",
        ),
        Listener(
            "chat",
            "chat widgets",
            "the widget's own JavaScript API, whichever of Intercom (onShow), Drift (chatOpen), "
            "Zendesk (messenger open), tawk.to (onChatMaximized), LiveChat (visibility_changed "
            "to maximized), HubSpot (conversationStarted) and Crisp (chat:opened) loads within "
            "30 s; it pushes the event with chat_provider, once per page",
        ),
        Listener(
            "calendly",
            "Calendly",
            "the messages Calendly's embed sends to the page (calendly.event_scheduled, from "
            "calendly.com): it pushes the event with booking_provider when a time is booked",
        ),
    )
}
