"""Commands of the weekly digest: write, build, review, approve, send."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from gaimon.cli import HomeOpt, app, console, err
from gaimon.home import Home, get_home

digest_app = typer.Typer(
    help="The weekly digest: write, build, review, approve and send it.",
    invoke_without_command=True,
    add_completion=False,
)
review_app = typer.Typer(
    help="Review a digest draft: list its signals, dismiss wrong ones.",
    invoke_without_command=True,
    add_completion=False,
)
app.add_typer(digest_app, name="digest")
app.add_typer(review_app, name="review")

WeekOpt = Annotated[
    str | None, typer.Option("--week", help="ISO week, e.g. 2026-W47 (default: latest)")
]


def _week(home: Home, week: str | None) -> str:
    from gaimon.digest import DigestError, check_week, latest_week

    chosen = week or latest_week(home)
    if chosen is None:
        raise DigestError("no relevant documents in the warehouse yet")
    return check_week(chosen)


def _buildable(home: Home, week: str | None) -> str:
    """The week asked for, if a digest of it can be built from the warehouse."""
    from gaimon.digest.workflow import check_buildable

    return check_buildable(home, _week(home, week))


def _shown(value: object) -> Text:
    """Text from the warehouse or a mail server as the console shows it: plain (not console
    markup) and without direction or control characters."""
    from gaimon.digest.text import visible

    return Text(visible(value))


def _plain_table(rows: list[dict], title: str | None = None) -> Table:
    """Cells as plain Text: crawled titles must not be read as console markup."""
    result = Table(title=title)
    for column in rows[0].keys() if rows else []:
        result.add_column(str(column))
    for row in rows:
        result.add_row(*(_shown(v) for v in row.values()))
    return result


@digest_app.callback()
def digest(
    ctx: typer.Context,
    week: WeekOpt = None,
    lang: Annotated[str, typer.Option(help="nl or en")] = "nl",
    home: HomeOpt = None,
) -> None:
    """Without a subcommand: write the digest of a week (HTML, Markdown, text) under
    $GAIMON_HOME/digests/<week>/, as a preview that is not sent."""
    if ctx.invoked_subcommand is not None:
        return
    from gaimon.digest import write_digest

    h = get_home(home)
    for fmt, path in write_digest(h, _buildable(h, week), lang).items():
        console.print(f"{fmt}: {path}")


@digest_app.command()
def build(
    week: WeekOpt = None,
    force: Annotated[
        bool, typer.Option(help="Rebuild an approved digest that was not sent yet")
    ] = False,
    home: HomeOpt = None,
) -> None:
    """Build the draft of a week in Dutch and English: data, HTML, text, Markdown, PDF."""
    from gaimon.digest import build_digest

    h = get_home(home)
    report = build_digest(h, _buildable(h, week), force=force)
    for lang, paths in report.paths.items():
        for fmt, path in paths.items():
            console.print(f"{lang} {fmt}: {path}")
    console.print(
        f"draft {report.week}: {len(report.risks)} emerging risk(s) {', '.join(report.risks)}"
    )
    console.print(
        f"review with `gaimon review --week {report.week}`, then `gaimon digest approve --week "
        f"{report.week}`"
    )


@digest_app.command()
def approve(
    week: WeekOpt = None,
    by: Annotated[str | None, typer.Option(help="Who approves (default: the login name)")] = None,
    home: HomeOpt = None,
) -> None:
    """Freeze the draft of a week as built; only an approved digest is sent."""
    from gaimon.digest import approve_digest

    h = get_home(home)
    issue = approve_digest(h, _week(h, week), by or getpass.getuser())
    console.print(
        f"{issue.week} approved by {issue.approved_by} at {issue.approved_at:%Y-%m-%d %H:%M} UTC"
    )


@digest_app.command()
def send(
    week: WeekOpt = None,
    subscribers: Annotated[
        Path | None, typer.Option(help="Subscribers file (default $GAIMON_HOME/subscribers.yaml)")
    ] = None,
    retries: Annotated[
        int, typer.Option(help="Attempts per subscriber when the server refuses")
    ] = 3,
    resend_unknown: Annotated[
        list[str] | None,
        typer.Option(
            "--resend-unknown",
            help="Send again to this address although an earlier send was cut off "
            "(check the mail log for its Message-ID first); 'all' for every such address",
        ),
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Send the approved digest of a week to every subscriber who has not had it.

    SMTP settings come from GAIMON_SMTP_HOST, _PORT, _STARTTLS, _USER, _PASSWORD, _FROM.
    """
    from gaimon.digest.mail import SmtpSettings
    from gaimon.digest.send import send_digest

    h = get_home(home)
    settings = SmtpSettings.from_env()
    resend: bool | list[str] = (
        True if resend_unknown == ["all"] else [a.lower() for a in resend_unknown or []]
    )
    report = send_digest(
        h,
        _week(h, week),
        subscribers or h.root / "subscribers.yaml",
        settings,
        retries=retries,
        resend_unknown=resend,
        archive_url=os.environ.get("GAIMON_DIGEST_URL"),
    )
    console.print(
        f"{report.week} via {settings}: {len(report.sent)} sent, {len(report.skipped)} sent "
        f"before, {len(report.failed)} failed, {len(report.unknown)} unknown"
    )
    for address, error in report.failed.items():
        err.print(Text.assemble(("failed ", "red"), _shown(f"{address}: {error}")))
    for address in report.unknown:
        err.print(
            f"[yellow]unknown[/yellow] {address}: an earlier send was cut off; check the mail "
            f"log, then --resend-unknown {address} if it did not arrive"
        )
    if not report.ok:
        raise typer.Exit(1)


@digest_app.command()
def status(week: WeekOpt = None, home: HomeOpt = None) -> None:
    """Where a week's digest stands: draft or approved, and each subscriber's copy."""
    from gaimon.digest.workflow import store

    h = get_home(home)
    chosen = _week(h, week)
    issue = store(h).issue(chosen)
    if issue is None:
        console.print(f"{chosen}: no digest built")
        return
    console.print(
        f"{chosen}: {issue.status}, built {issue.built_at:%Y-%m-%d %H:%M}"
        + (
            f", approved by {issue.approved_by} at {issue.approved_at:%Y-%m-%d %H:%M}"
            if issue.approved_at
            else ""
        )
    )
    sends = [
        {
            "address": s.address,
            "status": s.status,
            "attempts": s.attempts,
            "message_id": s.message_id,
            "error": s.error or "",
        }
        for s in store(h).sends(chosen).values()
    ]
    if sends:
        console.print(_plain_table(sends))


@digest_app.command()
def preview(
    week: WeekOpt = None,
    out: Annotated[Path, typer.Option(help="Folder for the images")] = Path("docs"),
    lang: Annotated[str, typer.Option(help="nl or en")] = "nl",
    height: Annotated[int, typer.Option(help="Keep the top this many CSS pixels (0: all)")] = 1800,
    page: Annotated[int, typer.Option(help="PDF page to show")] = 1,
    home: HomeOpt = None,
) -> None:
    """Screenshots of a built digest in headless Chromium (360 and 1280 px wide) and its PDF's
    first page, as digest-360.png, digest-1280.png and digest-pdf.png."""
    from gaimon.digest import DigestError, archive
    from gaimon.digest import preview as shots
    from gaimon.digest.workflow import folder

    h = get_home(home)
    where = folder(h, _week(h, week))
    html, pdf = where / archive.file_name("html", lang), where / archive.file_name("pdf", lang)
    if not html.exists() or not pdf.exists():
        raise DigestError(f"build the digest first: {html} or {pdf} is missing")
    console.print(
        shots.screenshot(html, 360, out / "digest-360.png", mobile=True, max_height=height or None)
    )
    console.print(shots.screenshot(html, 1280, out / "digest-1280.png", max_height=height or None))
    console.print(shots.pdf_page_png(pdf, out / "digest-pdf.png", page=page))


@review_app.callback()
def review(
    ctx: typer.Context,
    week: WeekOpt = None,
    home: HomeOpt = None,
) -> None:
    """Without a subcommand: list the signals in the draft, with the ids to dismiss them by."""
    if ctx.invoked_subcommand is not None:
        return
    from gaimon.digest.review import draft_signals
    from gaimon.digest.text import shorten

    h = get_home(home)
    rows = draft_signals(h, _week(h, week))
    # One line per signal, unwrapped, so the id can be copied as it stands.
    for r in rows:
        console.print(
            _shown(
                f"{r.key}  {r.sector}/{r.section}  {r.source}: "
                f"{shorten(' '.join(r.title.split()), 80)}"
            ),
            no_wrap=True,
            overflow="ignore",
            crop=False,
        )
    console.print(
        "dismiss one with `gaimon review dismiss SIGNAL --week W --reason TEXT`; "
        "a bare DOC_ID dismisses the whole document (not about AI)"
    )


@review_app.command()
def dismiss(
    signal: Annotated[str, typer.Argument(help="DOC_ID:DIMENSION:LABEL as listed, or a DOC_ID")],
    week: WeekOpt = None,
    reason: Annotated[str | None, typer.Option(help="Why the signal is wrong")] = None,
    analyst: Annotated[
        str | None, typer.Option(help="Who dismisses (default: the login name)")
    ] = None,
    home: HomeOpt = None,
) -> None:
    """Dismiss a wrong signal: it leaves the draft (rebuilt now) and is kept as a correction."""
    from gaimon.digest.review import dismiss as dismiss_signal

    h = get_home(home)
    report = dismiss_signal(h, _week(h, week), signal, reason, analyst or getpass.getuser())
    console.print(
        _shown(
            f"dismissed {signal}; draft {report.week} rebuilt: {len(report.risks)} emerging risk(s)"
        )
    )


@review_app.command()
def restore(
    signal: Annotated[str, typer.Argument(help="DOC_ID:DIMENSION:LABEL or DOC_ID, as dismissed")],
    week: WeekOpt = None,
    home: HomeOpt = None,
) -> None:
    """Undo a dismissal; the draft is rebuilt with the signal back."""
    from gaimon.digest.review import restore as restore_signal

    h = get_home(home)
    report = restore_signal(h, _week(h, week), signal)
    console.print(
        _shown(
            f"restored {signal}; draft {report.week} rebuilt: {len(report.risks)} emerging risk(s)"
        )
    )
