"""Normalising what sources give us: canonical URLs, UTC dates, content hashes."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import dateparser

# Parameters that identify a campaign or a click, never the content.
TRACKING_PARAMS = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|igshid|yclid|_hsenc|_hsmi|"
    r"ref|ref_src|cmpid|at_medium|at_campaign|at_custom\d*|xtor|ns_source|ns_mchannel|ns_campaign)$",
    re.I,
)


def canonical_url(url: str) -> str:
    """Same article, same string: lower-case host, no fragment, no tracking parameters."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.match(k)]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def to_utc(value: str | datetime | None) -> datetime | None:
    """Any date a source gives, as an aware UTC datetime; naive values are read as UTC."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            parsed = dateparser.parse(
                value, settings={"RETURN_AS_TIMEZONE_AWARE": True, "TO_TIMEZONE": "UTC"}
            )
        if parsed is None:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def iso_utc(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else None


def content_hash(title: str, text: str) -> str:
    """Hash of what a reader sees, so a re-fetch with the same words is not a change."""
    normal = " ".join(f"{title}\n{text}".split())
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def document_id(canonical: str) -> str:
    """Stable id from the canonical URL, the same on every machine and every run."""
    return hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]
