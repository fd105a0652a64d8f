"""Consent banners: the buttons of common consent platforms and the words of accept and reject
buttons in many languages, and the click that dismisses a banner as the user asked."""

from __future__ import annotations

import asyncio

from playwright.async_api import Error, Page

CONSENT_TIMEOUT_S = 5.0  # a page too busy to answer has its banner left alone
PLATFORM_BUTTONS = {
    "accept": (
        "#onetrust-accept-btn-handler",
        "#CybotCookiebotDialogBodyLevelButtonLevelOptinAllowAll",
        "#CybotCookiebotDialogBodyButtonAccept",
        "#didomi-notice-agree-button",
        "[data-testid='uc-accept-all-button']",
        ".qc-cmp2-summary-buttons button[mode='primary']",
        "#truste-consent-button",
        ".cmplz-btn.cmplz-accept",
        ".cky-btn-accept",
        ".osano-cm-accept-all",
        ".iubenda-cs-accept-btn",
        "#axeptio_btn_acceptAll",
        ".cc-btn.cc-allow",
    ),
    "reject": (
        "#onetrust-reject-all-handler",
        "#CybotCookiebotDialogBodyButtonDecline",
        "#didomi-notice-disagree-button",
        "[data-testid='uc-deny-all-button']",
        ".qc-cmp2-summary-buttons button[mode='secondary']",
        "#truste-consent-required",
        ".cmplz-btn.cmplz-deny",
        ".cky-btn-reject",
        ".osano-cm-denyAll",
        ".iubenda-cs-reject-btn",
        "#axeptio_btn_dismiss",
        ".cc-btn.cc-deny",
    ),
}
BUTTON_WORDS = {
    "accept": (
        "accept( all( cookies)?)?",
        "allow( all)?( cookies)?",
        "i agree",
        "agree( and close)?",
        "got it",
        "ok(ay)?",
        "alle akzeptieren",
        "akzeptieren",
        "alle zulassen",
        "zustimmen",
        "einverstanden",
        "tout accepter",
        "accepter( et fermer)?",
        "j'accepte",
        "aceptar( todo)?",
        "aceptar todas",
        "acepto",
        "accetta( tutto| tutti)?",
        "accetto",
        "alles accepteren",
        "accepteren",
        "akkoord",
        "aceitar( todos)?",
        "concordo",
        "zaakceptuj( wszystkie)?",
        "godkänn alla",
        "accepter alle",
        "hyväksy kaikki",
    ),
    "reject": (
        "reject( all)?( cookies)?",
        "decline( all)?",
        "refuse( all)?",
        "deny",
        "only (necessary|essential)( cookies)?",
        "alle ablehnen",
        "ablehnen",
        "nur (notwendige|essenzielle)( cookies)?",
        "tout refuser",
        "refuser",
        "continuer sans accepter",
        "rechazar( todo| todas)?",
        "rifiuta( tutto| tutti)?",
        "alles weigeren",
        "weigeren",
        "rejeitar( todos)?",
        "recusar",
        "odrzuć( wszystkie)?",
        "avvisa alla",
        "afvis alle",
        "hylkää kaikki",
    ),
}
# Where a button must sit to count as a consent button found by its words.
BANNER_HINTS = (
    "cookie|consent|gdpr|cmp|privacy|datenschutz|rgpd|onetrust|didomi|cookiebot|usercentrics|"
    "truste|cookieyes|osano|iubenda|axeptio|cookie-?law|cc-window"
)

# Clicks the consent banner's accept or reject button: a known platform's, else a button whose
# whole label is one of the words and which sits in an element that looks like a banner.
DISMISS_CONSENT = """([selectors, words, hints]) => {
  const shown = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  };
  const label = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || "")
    .replace(/\\s+/g, " ").trim().slice(0, 80);
  for (const selector of selectors) {
    const el = document.querySelector(selector);
    if (el && shown(el)) { el.click(); return `${label(el)} (${selector})`; }
  }
  const word = new RegExp("^(" + words.join("|") + ")[.!]?$", "i");
  const banner = new RegExp(hints, "i");
  const controls = document.querySelectorAll("button, [role=button], input[type=button], " +
    "input[type=submit], a[href^='#'], a[href^='javascript']");
  for (const el of controls) {
    if (!shown(el) || !word.test(label(el))) continue;
    let node = el.parentElement;
    for (let depth = 0; node && depth < 8; node = node.parentElement, depth++) {
      const names = `${node.id} ${typeof node.className === "string" ? node.className : ""}`;
      const dialog = node.getAttribute("role") === "dialog" || node.getAttribute("aria-modal");
      if (banner.test(names) || (dialog && banner.test((node.innerText || "").slice(0, 600)))) {
        el.click();
        return label(el);
      }
    }
  }
  return "";
}"""


async def dismiss_consent(page: Page, consent: str) -> str:
    """Click the consent banner's accept or reject button; what was clicked, or ''."""
    if consent == "none":
        return ""
    arguments = [list(PLATFORM_BUTTONS[consent]), list(BUTTON_WORDS[consent]), BANNER_HINTS]
    try:
        return str(
            await asyncio.wait_for(page.evaluate(DISMISS_CONSENT, arguments), CONSENT_TIMEOUT_S)
        )
    except (Error, asyncio.TimeoutError):
        return ""  # the click navigated away, the page closed or it did not answer
