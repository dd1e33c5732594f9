"""Render a digest's data in every format from one set of Jinja templates.

Formats: HTML for e-mail (charts as inline PNG by content id), HTML for the archive and the
PDF (charts as inline SVG), plain text, Markdown and PDF (WeasyPrint). Crawled text is
untrusted: HTML templates autoescape, Markdown escapes its syntax, plain text drops control
characters, and links are kept only when they are plain http(s) URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal
from urllib.parse import quote, urlsplit

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from gaimon.digest import charts
from gaimon.digest.model import DigestData
from gaimon.digest.text import INVISIBLE, visible

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
Mode = Literal["email", "web", "pdf"]
LANGS = ("nl", "en")

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&])")


@cache
def all_strings() -> dict[str, dict]:
    return yaml.safe_load((TEMPLATES / "digest" / "strings.yaml").read_text(encoding="utf-8"))


@cache
def styles() -> dict:
    return yaml.safe_load((TEMPLATES / "digest" / "styles.yaml").read_text(encoding="utf-8"))


def strings(lang: str) -> dict:
    table = all_strings()
    if lang not in table:
        raise ValueError(f"language must be one of {sorted(table)}, not {lang!r}")
    return table[lang]


def safe_url(url: object) -> str | None:
    """The URL if it is a plain http(s) link to a host, else None: no javascript:, data:,
    relative or protocol-relative links reach a reader."""
    text = str(url or "").strip()
    if not text or INVISIBLE.search(text) or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def plain(text: object) -> str:
    """One line of crawled text, without control or direction-override characters."""
    return " ".join(visible(text).split())


def md(text: object) -> str:
    """Crawled text as inert Markdown: every syntax character escaped, on one line."""
    return _MD_SPECIAL.sub(r"\\\1", plain(text))


def md_url(url: object) -> str | None:
    checked = safe_url(url)
    return quote(checked, safe=":/?#@!$&'*+,;=%~[]-._") if checked else None


def domain(url: object) -> str:
    checked = safe_url(url)
    host = urlsplit(checked).hostname if checked else None
    return (host or "").removeprefix("www.")


def _num(lang: str):
    def number(value: float | int, digits: int = 1) -> str:
        text = (
            f"{value:.{digits}f}".rstrip("0").rstrip(".")
            if isinstance(value, float)
            else str(value)
        )
        return text.replace(".", ",") if lang == "nl" else text

    return number


def _day(lang: str):
    months = strings(lang)["months"]

    def day(value: date | datetime | None, year: bool = True) -> str:
        if value is None:
            return ""
        text = f"{value.day} {months[value.month - 1]}"
        return f"{text} {value.year}" if year else text

    return day


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(
            ["html", "htm", "xml", "atom", "html.j2", "atom.j2"],
            default_for_string=True,
            default=False,
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters.update(
        safe_url=safe_url,
        plain=plain,
        md=md,
        md_url=md_url,
        domain=domain,
        sparkline=charts.sparkline,
    )
    return env


@dataclass
class ChartView:
    sector: str
    cid: str
    alt: str
    svg: Markup
    png: bytes | None = None


@dataclass
class Rendered:
    """One rendering of a digest; `images` are the PNG parts an e-mail must carry."""

    html: str
    text: str
    markdown: str
    images: dict[str, bytes] = field(default_factory=dict)


def chart_views(
    data: DigestData, with_png: bool, fluid: bool = True, columns: int = 1
) -> dict[str, ChartView]:
    words = strings(data.lang)
    views = {}
    for section in [*data.sections, data.general]:
        drawn = charts.chart(section, data.weeks, columns)
        if drawn is None:
            continue
        views[section.sector] = ChartView(
            section.sector,
            drawn.cid,
            charts.alt_text(drawn, words),
            charts.svg(drawn, words, fluid),
            charts.png(drawn) if with_png else None,
        )
    return views


def _context(
    data: DigestData,
    mode: Mode,
    status: str,
    views: dict[str, ChartView],
    links: dict[str, str | None],
) -> dict:
    lang = data.lang
    words = strings(lang)

    def health(flags: str) -> str:
        """A source's health flags in the reader's language."""
        return ", ".join(words["health"].get(f.strip(), plain(f)) for f in str(flags).split(","))

    return {
        "d": data,
        "t": words,
        "S": styles(),
        "mode": mode,
        "status": status,
        "charts": views,
        "num": _num(lang),
        "day": _day(lang),
        "links": links,
        "health": health,
    }


def render_html(
    data: DigestData,
    mode: Mode = "web",
    status: str = "draft",
    links: dict[str, str | None] | None = None,
    views: dict[str, ChartView] | None = None,
) -> str:
    views = views if views is not None else chart_views(data, with_png=False)
    return (
        environment()
        .get_template("digest/digest.html.j2")
        .render(_context(data, mode, status, views, links or {}))
    )


def render_text(
    data: DigestData, status: str = "draft", links: dict[str, str | None] | None = None
) -> str:
    return (
        environment()
        .get_template("digest/digest.txt.j2")
        .render(_context(data, "email", status, {}, links or {}))
    )


def render_markdown(
    data: DigestData, status: str = "draft", links: dict[str, str | None] | None = None
) -> str:
    return (
        environment()
        .get_template("digest/digest.md.j2")
        .render(_context(data, "web", status, {}, links or {}))
    )


def render_email(data: DigestData, links: dict[str, str | None] | None = None) -> Rendered:
    """HTML (PNG charts by content id), plain text and the images, for one reader."""
    views = chart_views(data, with_png=True)
    html = render_html(data, "email", "approved", links, views)
    return Rendered(
        html=html,
        text=render_text(data, "approved", links),
        markdown="",
        images={v.cid: v.png for v in views.values() if v.png},
    )


def _no_fetch(url: str, *args, **kwargs):
    # The PDF is built from the digest alone: nothing named in crawled text is ever fetched.
    raise ValueError(f"the digest PDF fetches nothing ({url[:40]})")


def render_pdf(data: DigestData, status: str = "draft") -> bytes:
    from weasyprint import CSS, HTML

    html = render_html(
        data, "pdf", status, views=chart_views(data, with_png=False, fluid=False, columns=2)
    )
    css = CSS(string=(TEMPLATES / "digest" / "print.css").read_text(encoding="utf-8"))
    return HTML(string=html, url_fetcher=_no_fetch).write_pdf(stylesheets=[css])
