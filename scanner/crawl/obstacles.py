"""Pages that are not the site's content (pure): bot challenges and login walls."""

from __future__ import annotations

import re

from scanner.url_templates import split_url

CHALLENGE_TITLES = re.compile(
    r"just a moment|attention required|checking your browser|access denied|are you a robot|"
    r"verify you are (a )?human|pardon our interruption|ddos protection|security check|"
    r"captcha|request unsuccessful|bot (check|detection)|please wait while we verify",
    re.IGNORECASE,
)
CHALLENGE_FRAMES = re.compile(
    r"challenges\.cloudflare\.com|hcaptcha\.com/captcha|google\.com/recaptcha/.*(bframe|anchor)|"
    r"captcha-delivery\.com|perimeterx|px-cloud\.net|geo\.captcha",
    re.IGNORECASE,
)
LOGIN_PATHS = re.compile(
    r"/(login|log-in|signin|sign-in|sso|auth|authenticate|account/login|users/sign_in|"
    r"anmelden|connexion|iniciar-sesion|accedi|inloggen)(/|$|\.|\?)",
    re.IGNORECASE,
)


def obstacle(
    status: int,
    title: str,
    requested_url: str,
    final_url: str,
    frame_sources: list[str],
    text_length: int,
) -> str:
    """Why this page is not the content that was asked for, or '' when it is."""
    if CHALLENGE_TITLES.search(title) and (status in (403, 429, 503) or text_length < 2000):
        return f"bot challenge (title: {title[:60]!r})"
    if any(CHALLENGE_FRAMES.search(src) for src in frame_sources) and text_length < 2000:
        return "bot challenge (a captcha fills the page)"
    requested, final = split_url(requested_url).path, split_url(final_url).path
    if requested != final and LOGIN_PATHS.search(final) and not LOGIN_PATHS.search(requested):
        return f"login wall (redirected to {final})"
    return ""
