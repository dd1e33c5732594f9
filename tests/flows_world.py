"""What the flow tests share: quick settings, `gaimon` in a process of its own that can be
stopped at a chosen step and killed, and a way to read back what a run stored."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO

from gaimon import warehouse
from gaimon.home import Home
from gaimon.ops.lock import RUN, Holder, read_holder
from gaimon.ops.steps import PAUSE_AT

# Retries that wait fractions of a second, small classification batches (so that two Dask
# workers share them), no PDF; a run that finds another on its home gives up at once.
QUICK_SETTINGS = """\
locks:
  run_wait: 0
tasks:
  crawl: {retries: 1, backoff: 0.2, timeout: 120}
  classify: {retries: 1, backoff: 0.2, timeout: 300, batch: 2}
  warehouse: {retries: 2, backoff: 0.2, timeout: 300}
  digest: {retries: 0, backoff: 0, timeout: 300}
digest:
  langs: [nl]
  pdf: false
"""


def quick(home: Home) -> Home:
    (home.root / "settings.yaml").write_text(QUICK_SETTINGS, encoding="utf-8")
    return home


FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0">
  <channel>
    <title>Traag Nieuws</title>
    <link>{base}/</link>
    <description>Nieuws dat laat komt</description>
    <language>nl</language>
    <item>
      <title>Gemeente stopt met algoritme voor bijstandsfraude</title>
      <link>{base}/traag/algoritme-bijstand.html</link>
      <guid isPermaLink="false">traag-1</guid>
      <pubDate>Wed, 18 Nov 2026 10:00:00 +0100</pubDate>
      <description>De gemeente zet het algoritme dat bijstandsfraude voorspelde stil. Een onderzoek
      liet zien dat het systeem met kunstmatige intelligentie vooral mensen met een
      migratieachtergrond aanwees: discriminatie, zeggen critici.</description>
    </item>
    <item>
      <title>Nieuwe fietsbrug over de IJssel geopend</title>
      <link>{base}/traag/fietsbrug.html</link>
      <guid isPermaLink="false">traag-2</guid>
      <pubDate>Thu, 19 Nov 2026 16:00:00 +0100</pubDate>
      <description>Fietsers kunnen sinds donderdag over de nieuwe brug bij Deventer.</description>
    </item>
  </channel>
</rss>
"""


class SlowFeed:
    """An RSS feed on 127.0.0.1 that keeps every request waiting until `release()`."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.asked = threading.Event()
        self.requests = 0
        feed = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the name http.server calls)
                feed.requests += 1
                feed.asked.set()
                feed.released.wait(timeout=300)
                body = FEED.replace("{base}", feed.base).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawl that asked was killed meanwhile

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.url = f"{self.base}/traag.xml"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def release(self) -> None:
        self.released.set()

    def wait_until_asked(self, process: subprocess.Popen, timeout: float = 400) -> None:
        """Block until the feed is asked for; fail at once if `process` ends first."""
        # The process ending wakes the wait too; poll() then tells the two apart.
        threading.Thread(target=lambda: (process.wait(), self.asked.set()), daemon=True).start()
        if not self.asked.wait(timeout):
            raise AssertionError(f"nobody asked for the slow feed in {timeout:.0f} s")
        if process.poll() is not None:
            raise AssertionError(
                f"the run ended before asking for the feed: {process.communicate()}"
            )

    def __enter__(self) -> SlowFeed:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()


def add_source(registry: Path, name: str, url: str) -> Path:
    """Append an RSS source whose items carry their text in the feed."""
    with open(registry, "a", encoding="utf-8") as fh:
        fh.write(
            f'  - name: {name}\n    kind: rss\n    url: "{url}"\n    lang: nl\n'
            f"    follow: false\n    description: Slow test feed\n"
        )
    return registry


def gaimon(home: Home, *args: str, api_url: str | None, **env: str) -> subprocess.Popen:
    """`gaimon ARGS` in a process group of its own (killing the group kills its crawls too),
    on this home and Prefect server (None: no server named, as on a fresh machine)."""
    environ = {
        **os.environ,
        "GAIMON_HOME": str(home.root),
        "PREFECT_LOGGING_LEVEL": "WARNING",
        "COLUMNS": "200",
        **env,
    }
    for name in ("GAIMON_SETTINGS", "PREFECT_API_URL", "PREFECT_HOME", PAUSE_AT):
        if name not in env:
            environ.pop(name, None)
    if api_url:
        environ["PREFECT_API_URL"] = api_url
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gaimon"), *args],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


class Output:
    """The lines a child process writes to one pipe, read as they come (so that the pipe never
    fills up and blocks the child) and waited for."""

    def __init__(self, stream: IO[str]):
        self.lines: list[str] = []
        self.ended = False
        self._changed = threading.Condition()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._changed:
                self.lines.append(line)
                self._changed.notify_all()
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    def wait_for(self, found: Callable[[list[str]], bool], what: str, timeout: float) -> None:
        """Block until `found(lines)`; fail at once if the output ends first, or after `timeout`
        seconds, showing what the process said."""
        with self._changed:
            if not self._changed.wait_for(lambda: found(self.lines) or self.ended, timeout):
                raise AssertionError(f"no {what} after {timeout:.0f} s; output:\n{self.text()}")
            if not found(self.lines):
                raise AssertionError(f"the process ended before {what}; output:\n{self.text()}")

    def text(self) -> str:
        return "".join(self.lines)


def wait_for_pause(
    home: Home, process: subprocess.Popen, step: str, timeout: float = 400
) -> Holder:
    """Wait until a run started with GAIMON_PAUSE_AT=`step` says on stderr that it paused there;
    what its lock file says then. The run's stderr is read from here on."""
    said = f"gaimon: paused at {step} "
    Output(process.stderr).wait_for(
        lambda lines: any(line.startswith(said) for line in lines), f"pause at {step}", timeout
    )
    holder = read_holder(home.root / RUN)
    assert holder is not None and holder.paused and holder.step == step, holder
    return holder


def kill(process: subprocess.Popen) -> None:
    """The machine goes down: the run and its crawls end with SIGKILL."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def contents(home: Home) -> dict[str, list[tuple]]:
    """What a run stored, without the times it stored it at or the run that did."""
    queries = {
        "documents": "SELECT doc_id, canonical_url, source, title, text, published_at, lang, "
        "cluster_id, content_hash, relevant, model_version FROM documents ORDER BY doc_id",
        "signals": "SELECT doc_id, dimension, label, score, model_version, evidence::VARCHAR "
        "FROM signals ORDER BY ALL",
        "alerts": "SELECT week, sector, value, stories, baseline, score, status FROM alerts "
        "ORDER BY ALL",
    }
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}


def rows(home: Home, sql: str, params: list | None = None) -> list[dict]:
    with warehouse.open_warehouse(home.warehouse, read_only=True) as con:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
