"""One run per home and one warehouse writer, with locks that the operating system releases
when a process dies: a killed run never leaves the next one waiting, and two runs on one
home take turns instead of crawling and counting everything twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from flows_world import SlowFeed, add_source, gaimon, kill, quick, rows, wait_for_pause

from gaimon.home import Home
from gaimon.ops import lock

HOLD = textwrap.dedent("""\
    import sys, threading
    from pathlib import Path
    from gaimon.ops import lock
    from gaimon.home import Home
    home = Home(Path(sys.argv[1]))
    with lock.run_lock(home, "daily", 0), lock.writer(home, "load_source"):
        lock.note(home, run_id="run-of-the-other-process")
        print("held", flush=True)
        threading.Event().wait()
""")


def _holder(home: Home) -> subprocess.Popen:
    """Another process that takes the home's run lock and writer lock and keeps them."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(home.root)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "held"
    return process


def test_a_lock_held_by_a_process_that_is_killed_is_free_at_once(home):
    other = _holder(home)
    try:
        with pytest.raises(lock.HomeBusy) as refused, lock.run_lock(home, "daily", wait=0):
            pass
        message = str(refused.value)
        assert "run run-of-the-other-process" in message and f"pid {other.pid}" in message
        assert "step load_source" in message
        assert lock.holder(home).run_id == "run-of-the-other-process"
        with (
            pytest.raises(lock.HomeBusy, match="warehouse writer"),
            lock.writer(home, "detect_alerts", wait=0),
        ):
            pass
    finally:
        other.send_signal(signal.SIGKILL)
        other.wait()
    # Nothing to reclaim, no lease to run out: the next run and writer go on at once.
    assert lock.holder(home) is None
    with lock.run_lock(home, "daily", wait=0), lock.writer(home, "begin", wait=0):
        assert lock.holder(home).pid == os.getpid()
        with lock.run_lock(home, "weekly", wait=0), lock.writer(home, "digest_week", wait=0):
            lock.note(home, run_id="outer")  # a flow inside a run is part of that run
        assert lock.holder(home).flow == "daily"


def test_a_second_run_on_a_busy_home_says_which_run_holds_it(prefect_server, home, registry):
    from prefect.settings import PREFECT_API_URL

    quick(home)
    first = gaimon(
        home,
        "run",
        "--sources",
        str(registry),
        api_url=PREFECT_API_URL.value(),
        GAIMON_PAUSE_AT="load_source",
    )
    try:
        held = wait_for_pause(home, first, "load_source")
        second = gaimon(home, "run", "--sources", str(registry), api_url=PREFECT_API_URL.value())
        output, errors = second.communicate(timeout=120)
    finally:
        kill(first)
    assert second.returncode == 2
    assert errors.splitlines() == [errors.strip()] and "Traceback" not in errors
    assert errors.startswith(
        f"gaimon: {home.root}: the home (one run at a time) is held by run {held.run_id} "
    )
    assert f"daily, pid {first.pid} on " in errors and "step load_source (paused)" in errors
    assert output == ""
    assert rows(home, "SELECT flow FROM runs") == [{"flow": "daily"}]  # the second never began


def test_two_runs_at_once_with_their_own_prefect_take_turns_and_count_each_source_once(
    home, registry, tmp_path
):
    waiting = tmp_path / "settings.yaml"
    waiting.write_text(
        quick(home)
        .root.joinpath("settings.yaml")
        .read_text()
        .replace("run_wait: 0", "run_wait: 600"),
        encoding="utf-8",
    )
    with SlowFeed() as slow:
        add_source(registry, "traag", slow.url)
        # Two Prefect homes, no server named: each run starts a temporary server of its own.
        first = gaimon(
            home,
            "run",
            "--sources",
            str(registry),
            api_url=None,
            PREFECT_HOME=str(tmp_path / "prefect-1"),
            GAIMON_SETTINGS=str(waiting),
        )
        slow.wait_until_asked(first)  # it crawls, so it has begun: its lock names its run
        held = lock.holder(home)
        assert held is not None and held.run_id, held
        second = gaimon(
            home,
            "run",
            "--sources",
            str(registry),
            api_url=None,
            PREFECT_HOME=str(tmp_path / "prefect-2"),
            GAIMON_SETTINGS=str(waiting),
        )
        told = second.stderr.readline()
        assert f"is held by run {held.run_id} (daily, pid {first.pid}" in told
        assert "waiting up to 600 s" in told
        slow.release()  # the first run's last crawl ends; the second waits for the whole run
        first_out, first_err = first.communicate(timeout=600)
        second_out, second_err = second.communicate(timeout=600)
    assert first.returncode == 0, first_err
    assert second.returncode == 0, second_err

    one, two = rows(
        home, "SELECT run_id, status, started_at, finished_at FROM runs ORDER BY started_at"
    )
    assert one["run_id"] == held.run_id and one["status"] == two["status"] == "completed"
    assert two["started_at"] >= one["finished_at"]  # one after the other, not side by side
    counts = {
        (r["run_id"], r["source"]): (r["staged"], r["new"])
        for r in rows(home, "SELECT run_id, source, staged, new FROM source_runs")
    }
    assert counts == {
        (one["run_id"], "zorgnieuws"): (2, 2),
        (one["run_id"], "techpolicy"): (2, 2),
        (one["run_id"], "traag"): (2, 2),
        # The second asks each source for what came since the first run, less a day: nothing.
        (two["run_id"], "zorgnieuws"): (0, 0),
        (two["run_id"], "techpolicy"): (0, 0),
        (two["run_id"], "traag"): (0, 0),
    }
    urls = [r["canonical_url"] for r in rows(home, "SELECT canonical_url FROM documents")]
    assert len(urls) == len(set(urls)) == 6
    assert (tmp_path / "prefect-1" / "prefect.db").is_file()
    assert (tmp_path / "prefect-2" / "prefect.db").is_file()
