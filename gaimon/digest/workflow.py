"""A week's digest from draft to approval.

build: gather the week in every language, save its data and render the archive files, record
a draft. Analysts then dismiss wrong signals (which rebuilds the draft without them).
approve: freeze the draft exactly as built (its data's hash); only an approved digest is sent,
and it is sent from the frozen data, not from the warehouse as it is by then.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from gaimon import warehouse
from gaimon.digest import archive
from gaimon.digest.gather import gather
from gaimon.digest.state import Issue, StateStore, now
from gaimon.errors import GaimonError
from gaimon.home import Home
from gaimon.weeks import check_span, check_week

LANGS = ("nl", "en")


class DigestError(GaimonError, RuntimeError):
    """A digest step that cannot go ahead; the message says why and what to do."""


@dataclass
class BuildReport:
    week: str
    status: str
    folder: Path
    paths: dict[str, dict[str, Path]] = field(default_factory=dict)
    risks: list[str] = field(default_factory=list)
    content_hash: str = ""


def store(home: Home) -> StateStore:
    if not home.warehouse.is_file():
        # Opening it would create an empty warehouse in a folder that is not gaimon's home.
        raise DigestError(
            f"no warehouse at {home.warehouse}: point --home or GAIMON_HOME at gaimon's "
            "home folder, or create one with `gaimon init`"
        )
    return StateStore(home.warehouse)


def folder(home: Home, week: str) -> Path:
    return home.digests / check_week(week)


def _refresh_index(home: Home) -> None:
    archive.write_index(home.digests, store(home).issues())


def build_digest(
    home: Home, week: str, langs: tuple[str, ...] = LANGS, force: bool = False, pdf: bool = True
) -> BuildReport:
    """Build (or rebuild) the draft of `week`. An approved digest is rebuilt only with
    force=True, and never once any copy went out."""
    state = store(home)
    issue = state.issue(check_span(week, now().date()))
    if issue and issue.status == "approved":
        if not force:
            raise DigestError(f"{week} is approved; build --force turns it back into a draft")
        if state.sends(week):
            raise DigestError(f"{week} has been sent to subscribers; it can no longer change")
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        datas = [gather(con, week, lang) for lang in langs]
    out = folder(home, week)
    report = BuildReport(week=week, status="draft", folder=out)
    for data in datas:
        archive.save_data(out, data)
    for stale in set(archive.languages(out)) - set(langs):
        archive.data_path(out, stale).unlink()
    for data in datas:
        report.paths[data.lang] = archive.write_formats(out, data, "draft", pdf=pdf)
    report.content_hash = archive.content_hash(out)
    report.risks = [f"{s.sector}/{r.value}" for s, r in datas[0].risks]
    state.save_draft(week, report.content_hash)
    _refresh_index(home)
    return report


def approve_digest(home: Home, week: str, by: str | None = None) -> Issue:
    """Freeze the draft of `week` as built; approving again re-renders the same files."""
    state = store(home)
    issue = state.issue(check_week(week))
    out = folder(home, week)
    if issue is None:
        raise DigestError(f"{week} has no draft: run `gaimon digest build --week {week}` first")
    current = archive.content_hash(out)
    if current != issue.content_hash:
        raise DigestError(
            f"the files of {week} differ from the draft that was built; build it again"
        )
    if issue.status == "draft" and not state.approve(week, current, by):
        raise DigestError(f"{week} changed while approving; look at it again")
    for lang in archive.languages(out):
        archive.write_formats(out, archive.load_data(out, lang), "approved")
    _refresh_index(home)
    approved = state.issue(week)
    assert approved is not None
    return approved


def frozen(home: Home, week: str) -> dict[str, archive.DigestData]:
    """The approved data of `week` per language; refuses drafts and altered files."""
    issue = store(home).issue(check_week(week))
    if issue is None or issue.status != "approved":
        raise DigestError(f"{week} is not approved: only an approved digest is sent")
    out = folder(home, week)
    if archive.content_hash(out) != issue.content_hash:
        raise DigestError(f"the data of {week} changed after approval; it is not sent")
    return {lang: archive.load_data(out, lang) for lang in archive.languages(out)}


def write_digest(home: Home, week: str, lang: str = "nl") -> dict[str, Path]:
    """The simple form: HTML, Markdown and text of `week` in one language.

    Without a draft it reads the warehouse as it is now; once a draft or an approved digest
    exists it renders that, so this never contradicts what analysts reviewed.
    """
    out = folder(home, check_span(week, now().date()))
    issue = store(home).issue(week)
    if issue and archive.data_path(out, lang).exists():
        data = archive.load_data(out, lang)
    else:
        with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
            data = gather(con, week, lang)
    paths = archive.write_formats(out, data, issue.status if issue else "draft", pdf=False)
    _refresh_index(home)
    return paths


def latest_week(home: Home) -> str | None:
    """The last ISO week with relevant documents, for a digest when none is asked for.
    Documents dated in the future (a feed's wrong date) do not count."""
    store(home)
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        rows = warehouse.query(con, "queries/latest_week", {"now": now()})
    return rows[0]["week"] if rows else None


def first_day(home: Home) -> date | None:
    """The day of the first relevant document: a digest of an earlier week would be empty."""
    store(home)
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        rows = warehouse.query(con, "queries/digest_first_day")
    return rows[0]["first"].date() if rows and rows[0]["first"] else None


def check_buildable(home: Home, week: str) -> str:
    """`week` if a digest of it has something to say: it has begun, and the warehouse holds
    relevant documents from that week or before."""
    first = first_day(home)
    if first is None:
        raise DigestError(
            "no relevant documents in the warehouse yet: nothing to build a digest of"
        )
    return check_span(week, now().date(), first)
