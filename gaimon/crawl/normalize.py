"""Normalising what sources give: canonical URLs, UTC dates, clean text, language, identifiers."""

from __future__ import annotations

import hashlib
import html
import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_tz
from functools import lru_cache
from typing import Any
from urllib.parse import unquote, unquote_plus, urlsplit, urlunsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from w3lib.url import canonicalize_url

# Parameters that identify a campaign or a click, never the content.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|"
    r"_hsmi|_ga|_gl|ref|ref_src|referrer|cmpid|cmp|at_medium|at_campaign|at_custom\d*|at_link\w*|"
    r"xtor|ns_source|ns_mchannel|ns_campaign|ns_linkname|ns_fee|oc|ito|icid|s_kwcid|"
    r"sc_cid|sr_share|spm|vero_id|wt_mc|wt\.mc_id|__twitter_impression)$",
    re.I,
)


def canonical_url(url: str) -> str:
    """Same article, same string: lower-case host, no fragment, no tracking parameters, the
    query sorted and percent-encoded one way.

    w3lib sorts and encodes the query. Scheme, host and path are ours: w3lib keeps a default
    port, user info and a trailing dot in the host, and re-encodes the path (non-ASCII letters,
    dot segments, needless escapes), each of which would change the document ids derived from
    canonical URLs staged before.
    """
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.port and not (
        (scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, _canonical_query(parts.query), ""))


def _canonical_query(query: str) -> str:
    """The query without tracking parameters (matched on their decoded names), as w3lib's
    canonical form: pairs sorted by name then value, blank values kept, spaces as '+'."""
    kept = "&".join(
        pair
        for pair in query.split("&")
        if pair and not TRACKING_PARAMS.match(unquote_plus(pair.partition("=")[0]))
    )
    # Canonicalised on a fixed base so that a malformed host or port cannot trip w3lib.
    return urlsplit(canonicalize_url(f"http://host/?{kept}")).query if kept else ""


# Time-zone abbreviations seen in feeds. RFC 822 names only the North American ones; European
# sources write CET/CEST as often as +0100.
NAMED_ZONES: dict[str, int] = {
    "UT": 0,
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "WEST": 60,
    "BST": 60,
    "IST": 60,
    "CET": 60,
    "MET": 60,
    "MEZ": 60,
    "CEST": 120,
    "MEST": 120,
    "MESZ": 120,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
    "JST": 540,
    "KST": 540,
    "AEST": 600,
    "AEDT": 660,
}
_TRAILING_ZONE = re.compile(r"^(.*\d)\s*([A-Za-z]{1,5})$")


def _offset(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def _zone(name: str) -> tzinfo | None:
    token = name.strip()
    if re.fullmatch(r"[+-]\d{2}:?\d{2}", token):
        sign = -1 if token[0] == "-" else 1
        digits = token[1:].replace(":", "")
        return _offset(sign * (int(digits[:2]) * 60 + int(digits[2:])))
    minutes = NAMED_ZONES.get(token.upper())
    return _offset(minutes) if minutes is not None else None


def _rfc822(text: str) -> datetime | None:
    """RFC 822/2822 dates with English month names, as email.utils reads them; a zone name it
    does not know (CET, CEST, ...) is looked up in NAMED_ZONES. Other languages' month names
    are left to dateparser."""
    fields = parsedate_tz(text)
    if fields is None:
        return None
    *when, offset = fields
    zone = text.rsplit(None, 1)[-1].strip("()").upper()
    if zone.isalpha():  # email.utils reads a zone name it does not know as UTC
        if zone in ("UT", "UTC", "GMT", "Z"):
            offset = 0
        elif (minutes := NAMED_ZONES.get(zone)) is not None:
            offset = minutes * 60
        else:
            return None
    try:
        return datetime(*when[:6], tzinfo=_offset((offset or 0) // 60))
    except ValueError:
        return None


def _iso(text: str) -> datetime | None:
    candidate = text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    match = _TRAILING_ZONE.match(text)  # "2026-03-02 10:00 CET"
    if match and (zone := _zone(match.group(2))) is not None:
        try:
            return datetime.fromisoformat(match.group(1).strip()).replace(tzinfo=zone)
        except ValueError:
            return None
    return None


@lru_cache(maxsize=64)
def _named_tz(name: str | None) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def to_utc(value: str | datetime | date | None, default_tz: str | None = None) -> datetime | None:
    """Any date a source gives, as an aware UTC datetime.

    Reads ISO 8601, RFC 822 (with numeric offsets or zone names such as CET and EST), and, as a
    last resort, free text in the languages our sources write. A value without a zone is read in
    `default_tz` (an IANA name, e.g. Europe/Amsterdam), else as UTC.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed: datetime | None = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    else:
        text = " ".join(str(value).split())
        if not text:
            return None
        parsed = _iso(text) or _rfc822(text) or _dateparser(text)
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=_named_tz(default_tz))
    return parsed.astimezone(UTC)


def _dateparser(text: str) -> datetime | None:
    import dateparser

    return dateparser.parse(text, settings={"DATE_ORDER": "DMY", "PREFER_DAY_OF_MONTH": "first"})


def iso_utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def content_hash(title: str, text: str) -> str:
    """Hash of what a reader sees, so a re-fetch with the same words is not a change."""
    normal = " ".join(f"{title}\n{text}".split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def document_id(canonical: str) -> str:
    """Stable id from the canonical URL, the same on every machine and every run."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]


# --- text -----------------------------------------------------------------------------------

_TAG = re.compile(r"<[a-zA-Z!/?][^>]*>")
_BLOCK_TAGS = (
    "p",
    "div",
    "br",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "tr",
    "blockquote",
    "section",
    "article",
    "header",
    "footer",
    "dd",
    "dt",
    "pre",
    "table",
    "ul",
    "ol",
)
# Control characters, zero-width space and BOM; and bidirectional controls (embeddings,
# overrides, isolates, marks), which can reorder what a reader sees in a console or a digest.
_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\ufeff"
    r"\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def _strip_markup(text: str) -> str:
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(text, create_parent="div")
    except (etree.ParserError, ValueError):
        return _TAG.sub(" ", text)
    etree.strip_elements(root, "script", "style", "noscript", "template", with_tail=False)
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        if element.tag == "br":
            continue
        element.text = "\n" + (element.text or "")
    return root.text_content()


def clean_text(text: str | None) -> str:
    """Plain text: markup and entities removed (also when escaped twice), whitespace tidied,
    paragraphs kept as single blank-free lines."""
    if not text:
        return ""
    result = text
    for _ in range(3):  # escaped HTML (&lt;p&gt;) becomes markup after one unescape
        if _TAG.search(result):
            result = _strip_markup(result)
        unescaped = html.unescape(result)
        if unescaped == result:
            break
        result = unescaped
    result = _CONTROL.sub("", result.replace("\xa0", " "))
    lines = (" ".join(line.split()) for line in result.splitlines())
    return "\n".join(line for line in lines if line)


# --- language -------------------------------------------------------------------------------

# Languages our sources publish in; a short list keeps detection fast and precise.
DETECTED_LANGUAGES = ("ENGLISH", "DUTCH", "GERMAN", "FRENCH", "SPANISH", "ITALIAN")


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name in DETECTED_LANGUAGES]
    # Preloaded, so no download in flight stalls while models load mid-crawl; low-accuracy
    # (trigram) models load in a fraction of a second and are sure enough on a paragraph.
    return (
        LanguageDetectorBuilder.from_languages(*languages)
        .with_low_accuracy_mode()
        .with_minimum_relative_distance(0.05)
        .with_preloaded_language_models()
        .build()
    )


def detect_language(text: str, minimum_chars: int = 20) -> str | None:
    """ISO 639-1 code of the text's language, or None when it is too short or unclear."""
    sample = " ".join(text.split())[:2000]
    if len(sample) < minimum_chars:
        return None
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found else None


def normal_lang(value: str | None) -> str | None:
    """'nl-NL', 'NL', 'nld', 'NLD' and 'dut' all become 'nl'; unknown values pass lower-cased."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return THREE_LETTER.get(code, code) if code else None


THREE_LETTER = {
    "eng": "en",
    "nld": "nl",
    "dut": "nl",
    "deu": "de",
    "ger": "de",
    "fra": "fr",
    "fre": "fr",
    "spa": "es",
    "ita": "it",
    "por": "pt",
    "pol": "pl",
    "swe": "sv",
    "dan": "da",
    "fin": "fi",
    "ell": "el",
    "gre": "el",
    "ces": "cs",
    "cze": "cs",
    "hun": "hu",
    "ron": "ro",
    "rum": "ro",
    "bul": "bg",
    "hrv": "hr",
    "slk": "sk",
    "slv": "sl",
    "est": "et",
    "lav": "lv",
    "lit": "lt",
    "mlt": "mt",
    "gle": "ga",
}


# --- identifiers ----------------------------------------------------------------------------

# Identifiers that name a document in a register, by where they are found.
URL_IDENTIFIERS: dict[str, re.Pattern[str]] = {
    "celex": re.compile(
        r"(?:CELEX[:%]3A|CELEX:|/celex/)([0-9CE][0-9]{4}[A-Z]{1,2}[0-9A-Z()\-]+)", re.I
    ),
    "eli": re.compile(r"/(eli/[a-z_]+/\d{4}/\d+(?:/[a-z0-9_]+)*)"),
    "ep_press": re.compile(r"/press-room/(\d{8}IPR\d+)"),
    "ec_press": re.compile(
        r"/(?:detail/[a-z]{2}/|presscorner/[a-z/]*?)((?:ip|memo|qanda|speech|statement|ac|mex)_\d{2}_\d+)",
        re.I,
    ),
    "tk_zaak": re.compile(r"[?&]id=(\d{4}Z\d{4,6})\b"),
    "tk_document": re.compile(r"[?&]did=(\d{4}D\d{4,6})\b"),
    "kamerstuk": re.compile(r"/(kst-\d+-[\w-]+?)(?:\.html|\.pdf|$)"),
    "doi": re.compile(r"(?:doi\.org/|/doi/(?:abs/|full/|pdf/)?)(10\.\d{4,9}/[^\s?#]+)", re.I),
}
TEXT_IDENTIFIERS: dict[str, re.Pattern[str]] = {
    "procedure": re.compile(
        r"\b((?:19|20)\d{2}/\d{4}\((?:COD|CNS|APP|NLE|INI|INL|RSP|BUD|DEC|DEA|RPS|AVC|SYN|COS|ACI|IMM|REG|RSO|DCE|INS|BUI|CNT)\))"
    ),
    "celex": re.compile(
        r"\bCELEX(?:\s*(?:number|nr\.?|:))?\s*:?\s*([0-9CE][0-9]{4}[A-Z]{1,2}[0-9]{4}[0-9A-Z()\-]*)"
    ),
    "doi": re.compile(r"\b(10\.\d{4,9}/[-._;()/:A-Za-z0-9]+[A-Za-z0-9])"),
    "tk_zaak": re.compile(r"\b((?:19|20)\d{2}Z\d{5})\b"),
    "tk_document": re.compile(r"\b((?:19|20)\d{2}D\d{5})\b"),
}
# "Regulation (EU) 2024/1689" names CELEX 32024R1689: sector 3, year, type letter, number.
EU_ACT = re.compile(
    r"\b(Regulation|Directive|Decision|Verordening|Richtlijn|Besluit)\s*"
    r"\((?:EU|EG|EC|EU, Euratom)\)\s*"
    r"(?:No\s*|nr\.\s*)?((?:19|20)\d{2})/(\d{1,4})\b"
)
ACT_LETTER = {
    "regulation": "R",
    "verordening": "R",
    "directive": "L",
    "richtlijn": "L",
    "decision": "D",
    "besluit": "D",
}


def extract_identifiers(url: str, title: str = "", text: str = "") -> dict[str, str]:
    """Register identifiers that a URL or the words of an item name: CELEX, ELI, procedure
    reference, EP and Commission press ids, Tweede Kamer numbers, DOI."""
    found: dict[str, str] = {}
    plain_url = unquote(url)
    for key, pattern in URL_IDENTIFIERS.items():
        if match := pattern.search(plain_url):
            found[key] = match.group(1)
    body = f"{title}\n{text[:20000]}"
    for key, pattern in TEXT_IDENTIFIERS.items():
        if key not in found and (match := pattern.search(body)):
            found[key] = match.group(1)
    if "celex" not in found and (act := EU_ACT.search(body)):
        kind, year, number = act.groups()
        found["celex"] = f"3{year}{ACT_LETTER[kind.lower()]}{int(number):04d}"
    if "ec_press" in found:
        found["ec_press"] = found["ec_press"].lower()
    return found


def merge_identifiers(given: dict[str, Any], found: dict[str, str]) -> dict[str, Any]:
    """What the source said wins over what we found in its words."""
    return {**found, **{k: v for k, v in given.items() if v not in (None, "", [], {})}}
