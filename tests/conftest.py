from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = FIXTURES / "seeds"
GOLD = FIXTURES / "gold"


@pytest.fixture(scope="session")
def gold_documents() -> dict:
    return json.loads((GOLD / "seeds-documents.json").read_text(encoding="utf-8"))


def run_cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "zwgk.cli", *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    """`zwgk demo` into a fresh warehouse, once per session (it takes ~20 s) and its output; tests that write to the
    warehouse work on a copy (the folder is self-contained)."""
    warehouse = tmp_path_factory.mktemp("demo") / "wh"
    out = run_cli("demo", "--warehouse", str(warehouse))
    assert out.returncode == 0, out.stderr
    return warehouse, out


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


def run_at_once(target: Callable[[], object], count: int, timeout: float) -> list[object]:
    """Run `target` in `count` threads started together; what each returned, or the exception it raised."""
    outcomes: list[object] = []

    def run() -> None:
        try:
            outcomes.append(target())
        except BaseException as exc:  # noqa: BLE001 - the caller's assertion reports it
            outcomes.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=timeout)
    return outcomes


@pytest.fixture(scope="session")
def postgres():
    """One real PostgreSQL server for the session; each test creates its own database on it."""
    from mirror.postgres import postgres_server, server_bin

    if server_bin() is None:
        pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) on this machine")
    with postgres_server() as server:
        yield server
