"""Prefect, ready before a run: its state kept per home, and its server answering.

Without `PREFECT_API_URL` Prefect starts a temporary server for the one command, with its
database under `PREFECT_HOME`. gaimon points `PREFECT_HOME` at `$GAIMON_HOME/prefect`, so that
the runs of one home are never mixed with those of another home on the machine, unless the
operator chose a Prefect home or server. Both must be set before Prefect reads its settings:
call `use_home` before importing anything from `prefect` or `flows`.

On a fresh database the temporary server migrates it before it answers, which takes well over
Prefect's default 20 s on a busy 2-core machine; gaimon allows it `STARTUP_SECONDS`, starts it
up front, and says in one line what to do when it still does not answer.
"""

from __future__ import annotations

import os
import sys

from gaimon.errors import GaimonError
from gaimon.home import Home

STARTUP_SECONDS = 300
TIMEOUT_VARIABLE = "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"


class PrefectUnavailable(GaimonError):
    """Prefect's server could not be reached or started."""


_chosen_here: list[str] = []  # the Prefect homes this process chose itself


def _operator_chose() -> bool:
    mine = os.environ.get("PREFECT_HOME") in _chosen_here
    if ("PREFECT_HOME" in os.environ and not mine) or os.environ.get("PREFECT_API_URL"):
        return True
    if "prefect.settings" in sys.modules:  # already loaded: a profile or a test may set them
        from prefect.settings import PREFECT_API_URL

        return bool(PREFECT_API_URL.value())
    return False


def use_home(home: Home) -> None:
    """Keep Prefect's state in `home` (unless the operator chose otherwise) and give its
    temporary server the time a fresh database needs."""
    os.environ.setdefault(TIMEOUT_VARIABLE, str(STARTUP_SECONDS))
    # gaimon runs offline: a temporary server must not try to send usage data.
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if _operator_chose():
        return
    folder = home.root / "prefect"
    try:  # Prefect makes the folder but not its parents, and its server then fails over and over
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PrefectUnavailable(f"cannot make Prefect's folder {folder}: {exc.strerror}") from None
    os.environ["PREFECT_HOME"] = str(folder)
    _chosen_here.append(str(folder))
    if "prefect.context" in sys.modules:  # settings were read already: read them again
        import prefect.context

        refresh = getattr(prefect.context, "refresh_global_settings_context", None)
        if refresh is not None:
            refresh()


def start() -> str:
    """Make sure a Prefect server answers: the operator's (PREFECT_API_URL), or the temporary
    one, started now and waited for. Returns its API address."""
    from prefect.settings import PREFECT_API_URL, PREFECT_HOME

    url = PREFECT_API_URL.value()
    if url:
        _check(url)
        return url
    from prefect.server.api.server import SubprocessASGIServer

    seconds = int(os.environ.get(TIMEOUT_VARIABLE, STARTUP_SECONDS))
    server = SubprocessASGIServer()
    try:
        server.start(timeout=seconds)
    except Exception as exc:
        ended = server.server_process.poll() if server.server_process else None
        server.stop()
        why = (
            f"it exited with code {ended}" if ended is not None else f"no answer within {seconds} s"
        )
        raise PrefectUnavailable(
            f"Prefect's temporary server did not start ({why}; its database is in "
            f"{PREFECT_HOME.value()}): on a busy machine set {TIMEOUT_VARIABLE} higher, or run "
            f"`prefect server start` and set PREFECT_API_URL=http://127.0.0.1:4200/api "
            f"[{type(exc).__name__}]"
        ) from None
    return server.api_url


def _check(url: str) -> None:
    import httpx

    try:
        httpx.get(f"{url.rstrip('/')}/health", timeout=30).raise_for_status()
    except httpx.HTTPError as exc:
        raise PrefectUnavailable(
            f"the Prefect server at PREFECT_API_URL={url} does not answer ({exc}): start it "
            f"(`prefect server start`), or unset PREFECT_API_URL to let gaimon start a "
            f"temporary one"
        ) from None
