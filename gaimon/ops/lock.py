"""Locks that the operating system releases when their process dies, so that a run killed
with `kill -9` never leaves the next one waiting.

- The run lock (`$GAIMON_HOME/run.lock`): one run per home. A second run waits for it, then
  gives up saying which run holds it.
- The writer lock (`$GAIMON_HOME/warehouse.lock`): one process writes the warehouse at a time
  (DuckDB allows one writing process per file); a writer waits its turn instead of failing.

Both are `flock` locks on files in the home. The files stay; what they say (pid, host, run,
step, since when) is only read to tell a waiting user who holds the lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from gaimon.errors import GaimonError
from gaimon.home import Home

RUN, WRITER = "run.lock", "warehouse.lock"
WRITER_WAIT = 600.0  # seconds a warehouse write waits for another writer
POLL = 0.2


class HomeBusy(GaimonError):
    """Another run (or writer) holds the home's lock, longer than we would wait."""


@dataclass
class Holder:
    """What a lock file says about the process that holds it."""

    pid: int
    host: str
    since: str
    flow: str = ""
    run_id: str = ""
    step: str = ""
    paused: bool = False

    def describe(self) -> str:
        what = f"run {self.run_id}" if self.run_id else "a run"
        parts = [self.flow, f"pid {self.pid} on {self.host}", f"since {self.since}"]
        if self.step:
            parts.append(f"step {self.step}" + (" (paused)" if self.paused else ""))
        return f"{what} ({', '.join(p for p in parts if p)})"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def read_holder(path: Path) -> Holder | None:
    """What the lock file says, or None when it is missing or being rewritten."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(**data)
    except (OSError, ValueError, TypeError):
        return None


@dataclass
class _Held:
    fd: int
    holder: Holder
    depth: int = 1
    notes: dict = field(default_factory=dict)


class _Lock:
    """An exclusive flock on one file, re-entrant in this process (`per_thread=False`) or in
    one thread: a flow that runs another flow, or a step that calls another writer, must not
    wait for itself."""

    def __init__(self, path: Path, what: str, per_thread: bool):
        self.path, self.what, self.per_thread = path, what, per_thread

    def _key(self) -> tuple:
        return (self.path, threading.get_ident() if self.per_thread else None)

    def held(self) -> _Held | None:
        return _held.get(self._key())

    @contextmanager
    def hold(
        self, holder: Holder, wait: float, say: Callable[[str], None] | None
    ) -> Iterator[_Held]:
        key = self._key()
        with _guard:
            mine = _held.get(key)
            if mine is not None:
                mine.depth += 1
        if mine is None:
            mine = _Held(self._acquire(holder, wait, say), holder)
            with _guard:
                _held[key] = mine
        try:
            yield mine
        finally:
            with _guard:
                mine.depth -= 1
                last = mine.depth == 0
                if last:
                    del _held[key]
            if last:
                os.close(mine.fd)  # closing the file releases the flock

    def _acquire(self, holder: Holder, wait: float, say: Callable[[str], None] | None) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                other = read_holder(self.path)
                who = other.describe() if other else "another process"
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise HomeBusy(
                        f"{self.path.parent}: {self.what} is held by {who}; wait for it "
                        f"to end (or end process {other.pid if other else '?'}), then "
                        f"try again"
                    ) from None
                if not told and say is not None:
                    say(
                        f"{self.path.parent}: {self.what} is held by {who}; waiting up to "
                        f"{wait:.0f} s"
                    )
                    told = True
                time.sleep(POLL)
        _write(fd, holder)
        return fd


def _write(fd: int, holder: Holder) -> None:
    data = json.dumps(asdict(holder)).encode()
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


_held: dict[tuple, _Held] = {}
_guard = threading.Lock()


def _run(home: Home) -> _Lock:
    return _Lock(home.root / RUN, "the home (one run at a time)", per_thread=False)


def _writer(home: Home) -> _Lock:
    return _Lock(home.root / WRITER, "the warehouse writer", per_thread=True)


@contextmanager
def run_lock(
    home: Home, flow: str, wait: float, say: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the home's run lock for a run of `flow`: wait up to `wait` seconds for another
    run to end, then raise HomeBusy naming it. Re-entrant: a flow inside a run holds it too."""
    holder = Holder(pid=os.getpid(), host=socket.gethostname(), since=_now(), flow=flow)
    with _run(home).hold(holder, wait, say):
        yield


def note(home: Home, **fields: object) -> None:
    """Record in the run lock file what this process's run is doing (its run id, its step),
    so that a run that waits for it can say so. Nothing when this process holds no run lock.
    The first run id noted stays: a flow run inside another is part of the outer run."""
    held = _run(home).held()
    if held is None:
        return
    with _guard:
        if held.holder.run_id and "run_id" in fields:
            fields.pop("run_id")
        held.holder = replace(held.holder, **fields)
        _write(held.fd, held.holder)
    if fields.get("paused"):
        # A rehearsed crash (GAIMON_PAUSE_AT): whoever means to kill the run learns the moment
        # from its output, without watching the lock file.
        print(
            f"gaimon: paused at {held.holder.step} (pid {held.holder.pid})",
            file=sys.stderr,
            flush=True,
        )


@contextmanager
def writer(
    home: Home, step: str, wait: float = WRITER_WAIT, say: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the warehouse writer lock for one step (re-entrant in a thread)."""
    note(home, step=step, paused=False)
    holder = Holder(pid=os.getpid(), host=socket.gethostname(), since=_now(), step=step)
    with _writer(home).hold(holder, wait, say):
        yield


def holder(home: Home) -> Holder | None:
    """Who holds the home's run lock now; None when no run holds it."""
    path = home.root / RUN
    if not path.exists():
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return read_holder(path) or Holder(pid=0, host="?", since="?")
    finally:
        os.close(fd)
    return None
