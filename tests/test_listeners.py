"""The listener tags the container ships push their events, run in a real browser on a page
like the ones they are meant for."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from scanner.crawl.browser import find_browser, launch_args
from scanner.outputs.gtm.entities import Template
from scanner.outputs.gtm.listeners import listener_tag

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def page() -> Iterator[Page]:
    with sync_playwright() as playwright:
        path = find_browser(None, dict(os.environ), playwright.chromium.executable_path)
        browser = playwright.chromium.launch(executable_path=path, args=launch_args())
        yield browser.new_page()
        browser.close()


def run_listener(page: Page, name: str, event: str, html: str) -> None:
    """Load `html`, then the listener tag's script as GTM would insert it."""
    (script,) = [
        p.value for p in listener_tag(name, event, "f").parameters if isinstance(p, Template)
    ]
    assert isinstance(script, str)
    page.goto("about:blank")  # a new window, with no dataLayer yet
    page.set_content(html)
    page.add_script_tag(content=script.removeprefix("<script>").removesuffix("</script>\n"))


def pushed(page: Page) -> list[dict[str, Any]]:
    return page.evaluate("() => (window.dataLayer || []).slice()")  # type: ignore[no-any-return]


def test_html5_video_start_progress_and_complete(page: Page) -> None:
    run_listener(page, "html5_video", "video_play", '<video title="Tour" src="/tour.mp4"></video>')
    page.evaluate(
        """() => {
        const v = document.querySelector('video');
        Object.defineProperty(v, 'duration', {value: 100});
        let time = 0;
        Object.defineProperty(v, 'currentTime', {get: () => time});
        v.dispatchEvent(new Event('play'));
        v.dispatchEvent(new Event('play'));  // a second play is not a second start
        time = 55; v.dispatchEvent(new Event('timeupdate'));
        v.dispatchEvent(new Event('ended'));
    }"""
    )
    events = [(e["event"], e["video_status"], e["video_percent"]) for e in pushed(page)]
    assert events == [
        ("video_play", "start", 0),
        ("video_play", "progress", 25),
        ("video_play", "progress", 50),
        ("video_play", "complete", 100),
    ]
    assert pushed(page)[0]["video_title"] == "Tour"


def test_html5_videos_added_later_are_heard_too(page: Page) -> None:
    run_listener(page, "html5_video", "video_play", "<main></main>")
    page.evaluate(
        """async () => {
        const v = document.createElement('video');
        document.querySelector('main').append(v);
        await new Promise((resolve) => setTimeout(resolve, 50));
        v.dispatchEvent(new Event('play'));
    }"""
    )
    assert [e["video_status"] for e in pushed(page)] == ["start"]


def test_chat_widget_opening_is_pushed_once(page: Page) -> None:
    widget = """<script>
      window.opened = [];
      window.Intercom = function (method, callback) {
        if (method === 'onShow') window.opened.push(callback);
      };
    </script>"""
    run_listener(page, "chat", "chat_open", widget)
    page.evaluate("() => { window.opened.forEach((f) => f()); window.opened.forEach((f) => f()); }")
    assert [(e["event"], e["chat_provider"]) for e in pushed(page)] == [("chat_open", "intercom")]


def test_calendly_messages_from_other_origins_are_ignored(page: Page) -> None:
    run_listener(page, "calendly", "book_appointment", "<p>booking</p>")
    page.evaluate(
        """() => new Promise((resolve) => {
        window.postMessage({event: 'calendly.event_scheduled'}, '*');
        setTimeout(resolve, 50);
    })"""
    )
    assert pushed(page) == []
