"""An article page (HTML or PDF) as main text, title, author, date and language."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

import trafilatura
from htmldate import find_date
from lxml import html as lxml_html

from spiders.consent import consent_wall
from spiders.content import decode_body, header_charset, is_pdf, pdf_text

# Meta tags that carry the publication time with its zone, best first.
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datePublished",
    "dcterms.created",
    "dcterms.issued",
    "DC.date.issued",
    "dc.date",
    "date",
    "pubdate",
    "publishdate",
    "sailthru.date",
    "parsely-pub-date",
)


@dataclass
class Article:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None
    lang: str | None = None
    pdf: bool = False


def extract_article(body: bytes, url: str, content_type: str | None = None) -> Article:
    """Main text and metadata of a page; PDFs are read as PDFs whatever was expected."""
    if is_pdf(body, content_type):
        pdf = pdf_text(body)
        return Article(
            text=pdf.text, title=pdf.title, author=pdf.author, published=pdf.created, pdf=True
        )
    page = decode_body(body, header_charset(content_type), html=True)
    doc = trafilatura.bare_extraction(
        page, url=url, with_metadata=True, favor_recall=True, include_comments=False
    )
    text = (doc.text if doc is not None else "") or ""
    if len(text) > _recall_trusts_itself():
        text = fuller_text(text, _balanced_text(page, url))
    # Title and author as trafilatura reads them (meta tags, OpenGraph, JSON-LD, bylines);
    # bare_extraction has read them already unless it found no text.
    about = doc if doc is not None else trafilatura.extract_metadata(page, default_url=url)
    meta = _page_meta(page)
    published = meta.get("published")
    if not published:
        published = find_date(
            page,
            url=url,
            original_date=True,
            extensive_search=False,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
        )
    return Article(
        text=text,
        title=about.title,
        author=about.author,
        published=published,
        lang=meta.get("lang"),
    )


@lru_cache(maxsize=1)
def _recall_trusts_itself() -> int:
    """Past this length trafilatura's recall mode keeps its own extraction without comparing it
    with readability's, so an article split into several body blocks can lose all but the
    first; its balanced mode compares, and keeps the whole."""
    from trafilatura.settings import DEFAULT_CONFIG

    return 10 * DEFAULT_CONFIG.getint("DEFAULT", "MIN_EXTRACTED_SIZE")


def _balanced_text(page: str, url: str) -> str:
    doc = trafilatura.bare_extraction(page, url=url, with_metadata=False, include_comments=False)
    return (doc.text if doc is not None else "") or ""


def fuller_text(ours: str, other: str) -> str:
    """`other` when it is much fuller than `ours`, holds what ours holds, and what it adds reads
    as article text rather than menus, link lists or a consent notice; else `ours`."""
    if len(other) < 1.5 * len(ours):
        return ours
    other_lines = {_squash(line) for line in other.splitlines() if line.strip()}
    our_lines = [_squash(line) for line in ours.splitlines() if line.strip()]
    if not our_lines or sum(line in other_lines for line in our_lines) < 0.8 * len(our_lines):
        return ours  # a different part of the page, not a fuller version of the same
    added = [line for line in other_lines if line not in set(our_lines)]
    short = sum(len(line) < 40 for line in added)
    if short > 0.3 * len(added) or consent_wall(other):
        return ours  # what it adds is navigation-like, or a consent notice
    return other


def _squash(line: str) -> str:
    return " ".join(line.split())


def _page_meta(page: str) -> dict[str, str]:
    """Publication time and language as the page's own markup states them.

    trafilatura does not say either: its date (htmldate's) is a day without time or zone, and
    it reports no declared language.
    """
    try:
        root = lxml_html.document_fromstring(page)
    except Exception:  # noqa: BLE001 - an unparseable page simply has no metadata
        return {}
    found: dict[str, str] = {}
    metas = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip()
        if key and meta.get("content"):
            metas.setdefault(key.lower(), meta.get("content").strip())
    for key in DATE_META:
        if metas.get(key.lower()):
            found["published"] = metas[key.lower()]
            break
    ld = _json_ld(root)
    if ld.get("datePublished") and "published" not in found:
        found["published"] = str(ld["datePublished"])
    for time in root.iter("time"):
        if (
            "published" not in found
            and time.get("datetime")
            and (
                time.get("pubdate") is not None
                or "publish" in (time.get("class") or "")
                or time.get("itemprop") == "datePublished"
            )
        ):
            found["published"] = time.get("datetime")
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        found["lang"] = lang
    return {k: v for k, v in found.items() if v}


def _json_ld(root) -> dict:
    """The page's article node in JSON-LD, for its datePublished with time and zone."""
    for script in root.iter("script"):
        if (script.get("type") or "").lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text)
        except json.JSONDecodeError:
            continue
        for node in _ld_nodes(data):
            if re.search(r"Article|Posting|Report|NewsArticle|WebPage", str(node.get("@type", ""))):
                return node
    return {}


def _ld_nodes(data):
    if isinstance(data, list):
        for entry in data:
            yield from _ld_nodes(entry)
    elif isinstance(data, dict):
        yield data
        yield from _ld_nodes(data.get("@graph", []))
