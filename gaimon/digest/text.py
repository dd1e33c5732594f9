"""Crawled text as the digest shows it: visible characters only, and never too long.

Stored titles, names and sentences come from the web. Direction controls (U+202E and its
kin, U+061C, U+200E/F) can make a title read backwards or hide part of it, in the digest and
on an operator's console, and a title of 100,000 characters makes the PDF take minutes to lay
out. Every crawled string the digest shows passes through here once, when the digest's data is
made or read back, so each format gets the same short, visible text.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import yaml
from pydantic import BeforeValidator

SETTINGS_FILE = Path(__file__).resolve().parent / "digest.yaml"
ELLIPSIS = "…"

# Control characters (C0, C1) and invisible format characters: direction marks, embeddings,
# overrides and isolates, zero-width characters, word joiners and invisible operators, the
# byte-order mark, interlinear annotation and tag characters.
INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff"
    "\ufff9-\ufffb\U000e0000-\U000e007f]"
)


@cache
def limits() -> dict[str, int]:
    return yaml.safe_load(SETTINGS_FILE.read_text(encoding="utf-8"))["shown"]


def visible(text: object) -> str:
    """`text` without invisible characters; white space of any kind becomes a plain space."""
    return INVISIBLE.sub("", re.sub(r"\s", " ", str(text or "")))


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters; a longer text is cut at a word where it can be and ends
    with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 3 // 4:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS


def line(text: object, kind: str = "title") -> str:
    """One line of crawled text as shown: visible, single-spaced, at most the `kind`'s limit."""
    return shorten(" ".join(visible(text).split()), limits()[kind])


def link(url: object) -> str:
    """A URL as stored, or nothing when it is longer than any link a reader should follow."""
    text = str(url or "")
    return text if len(text) <= limits()["url"] else ""


def host(url: str) -> str:
    """The host a link points to, to name a document that has no visible title."""
    try:
        return (urlsplit(url).hostname or "").removeprefix("www.")
    except ValueError:
        return ""


def _shown(kind: str):
    return BeforeValidator(lambda value: value if value is None else line(value, kind))


# Field types for the digest's data: validated when the data is made and when it is read back.
Title = Annotated[str, _shown("title")]
Name = Annotated[str, _shown("name")]
Note = Annotated[str, _shown("note")]
Url = Annotated[str, BeforeValidator(link)]
