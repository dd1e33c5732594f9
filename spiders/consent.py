"""Recognising a cookie-consent wall served in place of an article.

A publisher's consent platform answers an article URL with its own page ("Wij en onze 812
partners gebruiken cookies..."); text extraction then returns that notice as if it were the
article. It is recognised by the phrases such notices are made of, several at once: an article
about cookies quotes one or two of them, a consent notice is built from them.
"""

from __future__ import annotations

import re

# Each a distinct part of a consent notice, in the languages our sources write.
MARKERS: dict[str, re.Pattern[str]] = {
    "partners": re.compile(
        r"\b(?:wij|we) (?:en|and|und) (?:onze|our|unsere) (?:\d[\d.,]* )?(?:partners|partner)\b"
        r"|\bnous et nos (?:\d+ )?partenaires\b|\bwir und unsere (?:\d+ )?partner\b",
        re.I,
    ),
    "cookies_and_similar": re.compile(
        r"cookies? (?:en|and|und|et) (?:vergelijkbare|soortgelijke|similar|ähnliche|d.autres) "
        r"(?:technolog|method|techniek|tracker)",
        re.I,
    ),
    "device_storage": re.compile(
        r"informatie (?:op|van) (?:een|uw|het) (?:apparaat|device)|information on (?:a|your) device"
        r"|informationen auf (?:einem|ihrem) gerät|stocker (?:et/ou|ou) accéder",
        re.I,
    ),
    "personalised_ads": re.compile(
        r"gepersonaliseerde (?:advertenties|content)|personali[sz]ed (?:ads|advertising|content)"
        r"|personalisierte (?:anzeigen|werbung)|publicités? (?:et contenu )?personnalisé",
        re.I,
    ),
    "buttons": re.compile(
        r"\b(?:alles accepteren|alle accepteren|akkoord gaan|accept all|agree and continue"
        r"|alle akzeptieren|tout accepter|accepteren en doorgaan|ik ga akkoord)\b",
        re.I,
    ),
    "preferences": re.compile(
        r"\b(?:voorkeuren (?:beheren|aanpassen|instellen)|instellingen aanpassen|manage "
        r"(?:your )?(?:preferences|options|settings)|cookie[- ]?(?:instellingen|settings)"
        r"|einstellungen verwalten|gérer (?:mes|les) (?:préférences|choix))\b",
        re.I,
    ),
    "withdraw": re.compile(
        r"toestemming (?:op elk moment )?(?:intrekken|in te trekken|geven)|withdraw (?:your )?"
        r"consent|einwilligung (?:jederzeit )?widerrufen|retirer (?:votre )?consentement",
        re.I,
    ),
    "legitimate_interest": re.compile(
        r"gerechtvaardigd belang|legitimate interest|berechtigtes interesse|intérêt légitime", re.I
    ),
}
# The legal wording of consent platforms; an article about cookie walls rarely uses it.
HALLMARKS = {"partners", "device_storage"}
# A consent notice shows at least this many distinct markers, one of them a hallmark.
MIN_MARKERS = 3
# Past this length a text is an article that discusses consent, not a notice.
MAX_NOTICE_CHARS = 6000


def consent_wall(text: str, title: str = "") -> str | None:
    """Why `text` is a consent notice rather than the article titled `title`, or None."""
    if not text or len(text) > MAX_NOTICE_CHARS:
        return None
    found = [name for name, pattern in MARKERS.items() if pattern.search(text)]
    if len(found) < MIN_MARKERS or not HALLMARKS & set(found):
        return None
    if title and _mentions(text, title):
        return None  # the page carries the article too
    return f"consent notice instead of the article (matched: {', '.join(found)})"


def _mentions(text: str, title: str) -> bool:
    words = [w for w in re.findall(r"\w{4,}", title.lower())]
    if len(words) < 3:
        return False
    lowered = text.lower()
    return sum(w in lowered for w in words) >= 0.8 * len(words)
