"""`zwgk crawl` killed with SIGKILL at several moments: nothing of the run is left running or held, the next completes.

Before: Prefect's ephemeral API server outlived a killed crawl (5 kills in 8), and a kill while the load held the
`zwgk-warehouse-load` slot left the slot taken for good, so every later load on the machine waited an hour and failed.
Loads now lock with the catalog's own locks (flows/load_locks.py), which die with their holder.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from flows.locks import held_by_someone
from flows.warehouse import SQL_DIR, connect
from mirror.server import Mirror, column_slots, synthetic_articles
from tests.processes import alive, descendants

pytestmark = pytest.mark.slow

PAGES = 240






def _load_running(wh: Path) -> bool:
    """A load between its first and last commit: it holds its owner lock "load:<id>"."""
    return any(held_by_someone(path) for path in (wh / ".locks").glob("load_*.lock"))


def _unfinished_loads(wh: Path) -> int:
    con = connect(wh, read_only=True)
    try:
        return int(con.execute("SELECT count(*) FROM load_starts WHERE snapshot_id NOT IN "
                               "(SELECT snapshot_id FROM snapshots)").fetchone()[0])
    finally:
        con.close()


def _wait_for(condition: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            pytest.fail(f"the crawl ended (status {proc.returncode}) before {what}: {proc.stderr.read() if proc.stderr else ''}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.002)


def _snapshots(wh: Path) -> int:
    if not (wh / "catalog.sqlite").exists():
        return 0
    con = connect(wh, read_only=True)
    try:
        for path in sorted((SQL_DIR / "checks").glob("*.sql")):
            assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], path.name
        return int(con.execute("SELECT count(*) FROM snapshots").fetchone()[0])
    finally:
        con.close()


def test_sigkill_at_any_moment_leaves_nothing_that_stops_the_next_run(tmp_path: Path) -> None:
    home, wh = tmp_path / "prefect-home", tmp_path / "wh"
    home.mkdir()
    env = {**os.environ, "PREFECT_HOME": str(home), "ZWGK_WAREHOUSE": str(wh)}
    env.pop("PREFECT_API_URL", None)
    with Mirror(synthetic_articles(13, PAGES, column_slots(["a"], 2)), perpage=15) as mirror:
        config = tmp_path / "portals.toml"
        config.write_text(mirror.jcms_config("killed", ["a"], rate=1000.0), encoding="utf-8")

        def start() -> subprocess.Popen[str]:
            return subprocess.Popen([sys.executable, "-m", "zwgk.cli", "crawl", "--config", str(config)], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

        def articles_fetched() -> int:
            return sum(1 for r in mirror.requests if "/art/" in r[3])

        moments: list[tuple[str, Callable[[subprocess.Popen[str]], bool]]] = [
            ("the Prefect API is starting", lambda proc: bool(descendants(proc.pid))),
            ("articles are being fetched", lambda proc: articles_fetched() >= 40),
            ("the load is committing its parts", lambda proc: _load_running(wh) and _unfinished_loads(wh) == 1),
        ]
        for what, condition in moments:
            before = _snapshots(wh)
            mirror.requests.clear()
            proc = start()
            _wait_for(lambda proc=proc, condition=condition: condition(proc), 240, what, proc)  # type: ignore[misc]
            spawned = descendants(proc.pid)
            proc.send_signal(signal.SIGKILL)
            assert proc.wait(timeout=30) == -signal.SIGKILL
            deadline = time.monotonic() + 15
            while any(alive(pid) for pid in spawned) and time.monotonic() < deadline:
                time.sleep(0.05)
            assert all(not alive(pid) for pid in spawned), f"{what}: processes of the killed run remain"
            assert _snapshots(wh) == before, what  # consistent, and nothing half-loaded became visible
        assert _unfinished_loads(wh) == 1  # the last kill left a started load behind, as a dead run does

        done = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", "--config", str(config)], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert f"killed: listed {PAGES}, fetched {PAGES}" in done.stdout
    assert _snapshots(wh) == 1
    assert _unfinished_loads(wh) == 0  # the dead load's parts were discarded by the next one
    assert not _load_running(wh)
    assert not any((wh / "staging").iterdir())  # the killed runs' staged batches are gone too
