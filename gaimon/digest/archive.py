"""The digest archive under $GAIMON_HOME/digests/: one folder per week, an index, an Atom feed.

digests/<week>/data.<lang>.json is the digest's data (frozen when approved); every other file
there is rendered from it: digest[.en].html, .md, .txt, .pdf and charts/<sector>.svg. Dutch
files carry no language suffix.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from gaimon.digest import render
from gaimon.digest.model import DigestData
from gaimon.digest.state import Issue
from gaimon.errors import GaimonError
from gaimon.weeks import WEEK

FORMATS = ("html", "md", "txt", "pdf")
log = logging.getLogger(__name__)


def suffix(lang: str) -> str:
    return "" if lang == "nl" else f".{lang}"


def file_name(fmt: str, lang: str) -> str:
    return f"digest{suffix(lang)}.{fmt}"


def data_path(folder: Path, lang: str) -> Path:
    return folder / f"data.{lang}.json"


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    mode = "wb" if isinstance(content, bytes) else "w"
    with tempfile.NamedTemporaryFile(
        mode,
        dir=path.parent,
        delete=False,
        suffix=".tmp",
        **({} if mode == "wb" else {"encoding": "utf-8"}),
    ) as fh:
        fh.write(content)
        fh.flush()
        os.fsync(fh.fileno())
    # The archive is meant to be served as it stands: readable by a web server's user.
    os.chmod(fh.name, 0o644)
    os.replace(fh.name, path)
    return path


def save_data(folder: Path, data: DigestData) -> Path:
    return write_atomic(data_path(folder, data.lang), data.model_dump_json(indent=1))


class ArchiveError(GaimonError):
    """A week's saved data cannot be read (missing, cut off or edited by hand)."""


def load_data(folder: Path, lang: str) -> DigestData:
    path = data_path(folder, lang)
    try:
        return DigestData.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        first = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
        raise ArchiveError(
            f"{path} cannot be read ({' '.join(first.split())[:120]}); build "
            f"{folder.name} again with `gaimon digest build --week {folder.name}`"
        ) from exc


def languages(folder: Path) -> list[str]:
    return sorted(p.name.split(".")[1] for p in folder.glob("data.*.json"))


def content_hash(folder: Path) -> str:
    """sha256 over every language's data file: what approval freezes and sending checks."""
    digest = hashlib.sha256()
    for lang in languages(folder):
        digest.update(lang.encode() + b"\0" + data_path(folder, lang).read_bytes() + b"\0")
    return digest.hexdigest()


def write_formats(folder: Path, data: DigestData, status: str, pdf: bool = True) -> dict[str, Path]:
    """Render the archive versions of one language into the week's folder."""
    views = render.chart_views(data, with_png=False)
    for sector, view in views.items():
        write_atomic(
            folder / "charts" / f"{sector}.svg",
            '<?xml version="1.0" encoding="utf-8"?>\n' + str(view.svg),
        )
    lang = data.lang
    paths = {
        "html": write_atomic(
            folder / file_name("html", lang), render.render_html(data, "web", status, views=views)
        ),
        "md": write_atomic(folder / file_name("md", lang), render.render_markdown(data, status)),
        "txt": write_atomic(folder / file_name("txt", lang), render.render_text(data, status)),
    }
    if pdf:
        paths["pdf"] = write_atomic(
            folder / file_name("pdf", lang), render.render_pdf(data, status)
        )
    return paths


@dataclass
class Entry:
    week: str
    status: str
    issue: Issue | None
    risks: list[str]
    files: dict[str, dict[str, str]]


def entries(root: Path, issues: list[Issue], lang: str = "nl") -> list[Entry]:
    """Every week folder in the archive, newest first, with what it holds (risks named in
    `lang` when the week has it)."""
    by_week = {i.week: i for i in issues}
    found = []
    for folder in sorted(
        (p for p in root.glob("*") if p.is_dir() and WEEK.match(p.name)), reverse=True
    ):
        langs = languages(folder)
        risks: list[str] = []
        if langs:
            try:
                data = load_data(folder, lang if lang in langs else langs[0])
            except ArchiveError as exc:
                # One unreadable week must not keep every later digest from being built.
                log.warning("digest archive: %s listed without its risks: %s", folder.name, exc)
            else:
                risks = [f"{r.name} ({s.name})" for s, r in data.risks]
        files = {
            lang: {
                fmt: f"{folder.name}/{file_name(fmt, lang)}"
                for fmt in FORMATS
                if (folder / file_name(fmt, lang)).exists()
            }
            for lang in ("nl", "en")
        }
        issue = by_week.get(folder.name)
        found.append(
            Entry(
                folder.name,
                issue.status if issue else "draft",
                issue,
                risks,
                {k: v for k, v in files.items() if v},
            )
        )
    return found


def write_index(
    root: Path, issues: list[Issue], lang: str = "nl", base_url: str | None = None
) -> dict[str, Path]:
    """index.html (every week, with its status) and feed.atom (approved weeks only)."""
    env = render.environment()
    listed = entries(root, issues, lang)
    context = {
        "entries": listed,
        "t": render.strings(lang),
        "S": render.styles(),
        "lang": lang,
        "base_url": base_url or os.environ.get("GAIMON_DIGEST_URL"),
        "updated": max(
            (e.issue.approved_at for e in listed if e.issue and e.issue.approved_at), default=None
        ),
    }
    return {
        "index": write_atomic(
            root / "index.html", env.get_template("digest/index.html.j2").render(context)
        ),
        "feed": write_atomic(
            root / "feed.atom", env.get_template("digest/feed.atom.j2").render(context)
        ),
    }
