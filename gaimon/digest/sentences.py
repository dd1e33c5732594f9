"""The sentence around a piece of evidence: what a reader sees as the reason for a signal."""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, model_validator

from gaimon.digest.text import limits, shorten, visible

# A sentence ends at . ! or ? followed by white space, or at a line break.
_END = re.compile(r"[.!?](?=\s)|\n")
LIMIT = limits()["sentence"]


class Sentence(BaseModel):
    """A sentence split around the evidence, so templates can emphasise it and escape all three."""

    before: str
    match: str
    after: str

    @model_validator(mode="before")
    @classmethod
    def _shown(cls, values: Any) -> Any:
        """Visible characters only, and at most LIMIT in all, also when read back from an
        older digest's data."""
        if not isinstance(values, dict):
            return values
        before, match, after = (visible(values.get(k)) for k in ("before", "match", "after"))
        match = shorten(match, LIMIT // 2)
        before, after = _shorten(before, after, LIMIT - len(match))
        return {**values, "before": before, "match": match, "after": after}

    @property
    def text(self) -> str:
        return self.before + self.match + self.after


def _locate(body: str, text: str, start: int, end: int) -> tuple[int, int] | None:
    if 0 <= start < end <= len(body) and body[start:end].lower() == text.lower():
        return start, end
    # Offsets may point into an older version of the text; fall back to the first occurrence.
    found = body.lower().find(text.lower()) if text else -1
    return (found, found + len(text)) if found >= 0 else None


def _shorten(before: str, after: str, room: int) -> tuple[str, str]:
    if len(before) + len(after) <= room:
        return before, after
    half = room // 2
    if len(before) > half:
        before = "…" + before[-max(half, room - len(after)) :].lstrip()
    if len(after) > room - len(before):
        after = after[: max(room - len(before), 0)].rstrip() + "…"
    return before, after


def sentence_around(
    body: str, text: str, start: int, end: int, limit: int = LIMIT
) -> Sentence | None:
    """The sentence of `body` holding body[start:end], at most about `limit` characters."""
    span = _locate(body, text, start, end)
    if span is None:
        return None
    start, end = span
    left = 0
    for stop in _END.finditer(body, 0, start):
        left = stop.end()
    right_stop = _END.search(body, end)
    right = (
        right_stop.end()
        if right_stop and right_stop.group() != "\n"
        else (right_stop.start() if right_stop else len(body))
    )
    before, after = _shorten(
        body[left:start].lstrip(), body[end:right].rstrip(), max(limit - (end - start), 0)
    )
    return Sentence(before=before, match=body[start:end], after=after)


def best_sentence(title: str, text: str, spans: list[dict]) -> Sentence | None:
    """The sentence around the first evidence span in the text (not the title, which the
    digest shows anyway); None when the evidence is only in the title."""
    body = f"{title}\n{text}"
    for span in sorted(spans, key=lambda s: s.get("start", 0)):
        if span.get("start", 0) <= len(title):
            continue
        found = sentence_around(
            body, span.get("text", ""), span.get("start", -1), span.get("end", -1)
        )
        if found is not None:
            return found
    return None
