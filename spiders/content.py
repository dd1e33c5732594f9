"""Reading response bodies safely: charsets, XML without entity tricks, JSON, HTML, PDF."""

from __future__ import annotations

import gzip
import io
import json
import re
from dataclasses import dataclass
from typing import Any

from lxml import etree
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

# Refuse XML with entity declarations: feeds, sitemaps and SPARQL results never need them, and
# they are how "billion laughs" and external-entity attacks arrive.
_ENTITY_DECL = re.compile(r"<!ENTITY", re.I)
_XML_DECL_ANY = re.compile(rb"^\s*<\?xml[^>]*\?>", re.I)
_HTML_START = re.compile(
    rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I | re.S
)


class ContentError(ValueError):
    """A body that is not what was promised; the message says what it is instead."""


def header_charset(content_type: str | bytes | None) -> str | None:
    """The codec a Content-Type header names (WHATWG aliases, e.g. Latin-1 read as
    windows-1252), or None when it names none or an unknown one."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    return http_content_type_encoding(content_type)


def decode_body(body: bytes, declared: str | None = None, html: bool = False) -> str:
    """Text of a body whatever the headers claim.

    A byte-order mark wins; then UTF-8 if the bytes are valid UTF-8 (mislabelled UTF-8 is the
    commonest charset fault, and random Latin-1 text is almost never valid UTF-8); then the
    charset the document declares (XML declaration, or for HTML also a meta tag), then the
    HTTP header's; then a guess. w3lib reads the marks and declarations; the order is ours,
    as w3lib's html_to_unicode trusts the header first and never checks for UTF-8.
    """
    bom_codec, bom = read_bom(body)
    if bom_codec and bom:
        return body[len(bom) :].decode(bom_codec, errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for name in (_declared_in_document(body, html), declared):
        codec = resolve_encoding(name) if name else None
        if codec and codec != "utf-8":
            try:
                return body.decode(codec)
            except (UnicodeDecodeError, LookupError):
                continue
    # Our sources write Western European languages; WHATWG reads unlabelled and Latin-1
    # labelled pages as windows-1252 too.
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    if best is not None and best.encoding:
        return body.decode(best.encoding, errors="replace")
    return body.decode("cp1252", errors="replace")


def _declared_in_document(body: bytes, html: bool) -> str | None:
    """The codec the document itself declares. Only an HTML page's meta tags count: a feed's
    CDATA may quote an HTML page, meta tag and all."""
    if html:
        return html_body_declared_encoding(body)
    declaration = _XML_DECL_ANY.match(body[:2048])
    return html_body_declared_encoding(declaration.group()) if declaration else None


def looks_like_html(body: bytes) -> bool:
    head = body[:4096]
    _, bom = read_bom(head)
    return bool(_HTML_START.match(head[len(bom or b"") :]))


def gunzip_capped(body: bytes, cap: int) -> bytes:
    """Inflate a gzip body, refusing to grow past `cap` bytes (a gzip bomb stops here)."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
        data = fh.read(cap + 1)
    if len(data) > cap:
        raise ContentError(f"gzip body inflates past the size cap of {cap} bytes")
    return data


def xml_utf8(body: bytes, declared: str | None = None) -> bytes:
    """The XML as UTF-8 bytes with a matching declaration, after the safety checks.

    Raises ContentError for HTML, empty bodies and entity declarations.
    """
    if not body.strip():
        raise ContentError("empty body where XML was expected")
    if looks_like_html(body):
        raise ContentError("got an HTML page where XML was expected")
    text = decode_body(body, declared)
    data = (
        b'<?xml version="1.0" encoding="utf-8"?>\n'
        + _XML_DECL_ANY.sub(b"", text.encode("utf-8"), count=1).lstrip()
    )
    if declares_entities(data, text):
        raise ContentError("XML declares entities (possible entity bomb); refused")
    return data


def declares_entities(data: bytes, text: str) -> bool:
    """Does the document declare entities or load an external DTD or entity?

    Checked by an XML parser (defusedxml) on the decoded document, so neither an encoding such
    as UTF-16 nor a long comment before the declarations hides them. Parsing stops at the
    first element: declarations can only come before it.
    """
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import iterparse

    try:
        for _ in iterparse(
            io.BytesIO(data),
            events=("start",),
            forbid_dtd=False,
            forbid_entities=True,
            forbid_external=True,
        ):
            return False
    except DefusedXmlException:
        return True
    except ParseError:
        # Broken before its first element: whether a declaration hides in the damage cannot
        # be told by parsing, so look for one in the whole text.
        return bool(_ENTITY_DECL.search(text))
    return False


_PARSER = dict(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)


@dataclass
class ParsedXml:
    root: Any
    recovered: bool  # True when the document was broken and only a part could be read
    error: str = ""


def parse_xml(body: bytes, declared: str | None = None) -> ParsedXml:
    """Parse XML strictly; a truncated or malformed document is parsed again in recovery mode
    so the entries before the damage are kept, and the damage is reported."""
    data = xml_utf8(body, declared)
    try:
        return ParsedXml(etree.fromstring(data, etree.XMLParser(**_PARSER)), False)
    except etree.XMLSyntaxError as exc:
        error = str(exc)
    root = etree.fromstring(data, etree.XMLParser(recover=True, **_PARSER))
    if root is None:
        raise ContentError(f"malformed XML: {error}")
    return ParsedXml(root, True, f"malformed XML: {error}")


def parse_json(body: bytes, declared: str | None = None) -> Any:
    """JSON by RFC 8259 (UTF-8, a BOM tolerated); HTML or broken JSON raise ContentError."""
    if not body.strip():
        raise ContentError("empty body where JSON was expected")
    if looks_like_html(body):
        raise ContentError("got an HTML page where JSON was expected")
    try:
        return json.loads(decode_body(body, declared))
    except json.JSONDecodeError as exc:
        raise ContentError(f"malformed JSON: {exc}") from exc


def is_pdf(body: bytes, content_type: str | None = None) -> bool:
    return (
        body[:1024].lstrip().startswith(b"%PDF-")
        or "application/pdf" in (content_type or "").lower()
    )


@dataclass
class PdfText:
    text: str
    title: str | None
    author: str | None
    created: str | None


def pdf_text(body: bytes) -> PdfText:
    """Text and metadata of a PDF; a broken PDF raises ContentError."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(body))
        pages = [page.extract_text() or "" for page in reader.pages]
        meta = reader.metadata or {}
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ContentError(f"unreadable PDF: {exc}") from exc
    created = meta.get("/CreationDate")
    return PdfText(
        text="\n".join(p.strip() for p in pages if p.strip()),
        title=str(meta.get("/Title")) if meta.get("/Title") else None,
        author=str(meta.get("/Author")) if meta.get("/Author") else None,
        created=_pdf_date(str(created)) if created else None,
    )


def _pdf_date(value: str) -> str | None:
    """PDF dates look like D:20261117083000+01'00'."""
    match = re.match(
        r"D?:?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?", value
    )
    if not match:
        return None
    y, mo, d, h, mi, s, sign, oh, om = match.groups()
    stamp = f"{y}-{mo or '01'}-{d or '01'}T{h or '00'}:{mi or '00'}:{s or '00'}"
    if sign in ("+", "-"):
        return f"{stamp}{sign}{oh or '00'}:{om or '00'}"
    return stamp + ("Z" if sign else "")
