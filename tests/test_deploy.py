"""`zwgk deploy` on a real Prefect server backed by a real PostgreSQL, with two process workers.

What the README's team recipe promises, on one machine: the deployments land on the `zwgk` process pool, workers
started with nothing but `prefect worker start --pool zwgk` run them (the flow is imported from the installed zwgk,
the warehouse comes from the worker's own environment), both runs complete and commit, and a worker that dies while
its run is mid-load (a part committed, the snapshot not yet) leaves the warehouse consistent, with nothing of the
dead run visible, and the next run of that portal completes on the other worker.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
import requests

from flows.warehouse import SQL_DIR, connect
from mirror.server import Mirror, column_slots, synthetic_articles
from tests.processes import alive, descendants
from zwgk import settings
from zwgk.cli import main

POOL = "zwgk"
FIRST = 6  # articles of each portal in the first runs
# New articles of the run that is killed: a crawl load commits a part every 1,000 new versions, once its third chunk
# of 500 documents arrives (flows/warehouse.py), so the first part lands after 1,500 pages; the last ones are slow.
ADDED = 1600
SLOW_AFTER = 1510  # article requests after which the mirror answers slowly: the kill lands between part and snapshot
STARTUP_S = 120.0  # a fresh Prefect database is migrated first; a loaded CI machine is slow at it


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def warehouse_env(postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Where the workers' warehouse lives, as a worker machine's environment says it: a PostgreSQL catalog and a
    shared data path, the one place this test picks them. The test process reads the warehouse the same way."""
    catalog = postgres.create_database(f"warehouse_{time.monotonic_ns()}")
    env = {"ZWGK_WAREHOUSE": str(tmp_path / "wh"), "ZWGK_CATALOG": f"postgres:{catalog}",
           "ZWGK_DATA_PATH": str(tmp_path / "shared-data")}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def _wait_for(condition: Callable[[], Any], timeout: float, what: str,
              procs: dict[str, subprocess.Popen[bytes]], logs: Path) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        for name, proc in procs.items():
            if proc.poll() is not None:
                pytest.fail(f"{name} exited ({proc.returncode}) before {what}:\n{_tail(logs / f'{name}.log')}")
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}\n" + "\n".join(
                f"--- {p.name}\n{_tail(p)}" for p in sorted(logs.glob("*.log"))))
        time.sleep(0.2)


def _tail(path: Path, chars: int = 3000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return ""






def _kill_machine(worker: subprocess.Popen[bytes]) -> set[int]:
    """What a worker machine dying does to its processes: SIGKILL to the worker's process group and to the flow
    run's, which Prefect starts in a session of its own (and to anything else the run started)."""
    pids = {worker.pid} | descendants(worker.pid)
    groups = set()
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            groups.add(os.getpgid(pid))
    for group in groups:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGKILL)
    worker.wait(timeout=30)
    return pids


@contextlib.contextmanager
def _started(procs: dict[str, subprocess.Popen[bytes]]) -> Iterator[None]:
    """Whatever the test started is gone when it ends: workers with their runs' processes, then the server."""
    try:
        yield
    finally:
        for name, proc in procs.items():
            if name != "server" and proc.poll() is None:
                _kill_machine(proc)
        server = procs.get("server")
        if server is not None and server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()


def _warehouse() -> dict[str, Any]:
    """The warehouse as an analyst opens it (after every check passes): snapshots, documents, loads left unfinished."""
    con = connect(settings.warehouse_dir(), read_only=True)
    try:
        for path in sorted((SQL_DIR / "checks").glob("*.sql")):
            assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], path.name
        return {
            "snapshots": con.execute("SELECT snapshot_id, portals, docs_new FROM snapshots ORDER BY 1").fetchall(),
            "documents": dict(con.execute("SELECT portal, count(*) FROM documents GROUP BY 1").fetchall()),
            "unfinished": con.execute("SELECT count(DISTINCT snapshot_id) FROM load_starts WHERE snapshot_id "
                                      "NOT IN (SELECT snapshot_id FROM snapshots)").fetchone()[0],  # type: ignore[index]
        }
    finally:
        con.close()


def _unfinished_load() -> bool:
    """A load that has committed a part and not yet its snapshot: the moment a kill has the most to undo."""
    con = connect(settings.warehouse_dir(), read_only=True)
    try:
        row = con.execute("SELECT count(*) FROM load_starts WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshots)"
                          ).fetchone()
        return bool(row and row[0])
    finally:
        con.close()


@pytest.mark.slow
def test_deployed_crawls_run_on_two_workers_and_survive_a_killed_one(postgres, tmp_path: Path,
                                                                      warehouse_env: dict[str, str]) -> None:
    from prefect import get_client
    from prefect.client.schemas.objects import FlowRun
    from prefect.settings import PREFECT_API_URL, temporary_settings

    started = time.monotonic()
    port = _free_port()
    api = f"http://127.0.0.1:{port}/api"
    logs = tmp_path / "logs"
    logs.mkdir()
    database = "prefect_deploy"
    postgres.create_database(database)
    base = {**os.environ, "PREFECT_API_URL": api, "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_LOGGING_LEVEL": "INFO"}
    for key in ("ZWGK_WAREHOUSE", "ZWGK_CATALOG", "ZWGK_DATA_PATH", "ZWGK_CONFIG"):
        base.pop(key, None)  # only the workers are told where the warehouse is
    server_env = {**base, "PREFECT_HOME": str(tmp_path / "server-home"), "PREFECT_UI_ENABLED": "false",
                  "PREFECT_API_DATABASE_CONNECTION_URL":
                      f"postgresql+asyncpg://{postgres.user}@127.0.0.1:{postgres.port}/{database}",
                  # runs are started here, not by cron: no scheduled run may reach a worker in the middle of the test
                  "PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED": "false",
                  "PREFECT_SERVER_SERVICES_REPOSSESSOR_LOOP_SECONDS": "1"}
    procs: dict[str, subprocess.Popen[bytes]] = {}

    def spawn(name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        with open(logs / f"{name}.log", "wb") as log:
            procs[name] = subprocess.Popen(argv, env=env, cwd=tmp_path, stdin=subprocess.DEVNULL, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True)
        return procs[name]

    alpha = synthetic_articles(3, FIRST, column_slots(["alpha"], 1))
    beta = synthetic_articles(4, FIRST + ADDED, column_slots(["beta"], 1))
    with _started(procs), Mirror((*alpha, *beta[:FIRST]), perpage=15) as mirror:
        spawn("server", [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port",
                         str(port)], server_env)
        config = tmp_path / "portals.toml"
        entries = {"alpha": mirror.jcms_config("alpha", ["alpha"], rate=1000.0, schedule="0 3 * * *"),
                   "beta": mirror.jcms_config("beta", ["beta"], rate=1000.0, schedule="30 4 * * 1")}
        config.write_text("\n".join(entries.values()), encoding="utf-8")
        beta_only = tmp_path / "beta.toml"
        beta_only.write_text(entries["beta"], encoding="utf-8")

        def healthy() -> bool:
            with contextlib.suppress(requests.RequestException):
                return requests.get(f"{api}/health", timeout=2).ok
            return False

        _wait_for(healthy, STARTUP_S, "the Prefect server", procs, logs)
        server_up = time.monotonic() - started

        deploy_argv = [sys.executable, "-m", "zwgk.cli", "deploy", "--config", str(config)]
        deploy_env = {**base, "PREFECT_HOME": str(tmp_path / "deploy-home")}
        deployed = subprocess.run(deploy_argv, env=deploy_env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert deployed.returncode == 0, deployed.stderr
        lines = [line for line in deployed.stdout.splitlines() if line.startswith("deployed ")]
        assert [line.split(":")[0] for line in lines] == ["deployed scheduled-crawl/crawl-alpha",
                                                          "deployed scheduled-crawl/crawl-beta"], deployed.stdout
        assert f"work pool {POOL} (process) created" in deployed.stdout
        with psycopg.connect(postgres.conninfo(database)) as db:  # the Prefect server keeps its state in PostgreSQL
            assert db.execute("SELECT count(*) FROM deployment").fetchone() == (2,)

        workers = {}
        for n in (1, 2):
            workers[n] = spawn(f"worker{n}", [sys.executable, "-m", "prefect", "worker", "start", "--pool", POOL,
                                              "--name", f"worker{n}", "--limit", "1"],
                               {**base, **warehouse_env, "PREFECT_HOME": str(tmp_path / f"worker{n}-home"),
                                "PREFECT_WORKER_QUERY_SECONDS": "1", "PREFECT_WORKER_HEARTBEAT_SECONDS": "5"})

        with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
            pool = client.read_work_pool(POOL)
            assert pool.type == "process"
            deployments = {name: client.read_deployment_by_name(f"scheduled-crawl/crawl-{name}")
                           for name in ("alpha", "beta")}
            for name, cron in (("alpha", "0 3 * * *"), ("beta", "30 4 * * 1")):
                d = deployments[name]
                assert d.work_pool_name == POOL and d.entrypoint == "flows.crawl.scheduled_crawl"
                assert [s.schedule.cron for s in d.schedules] == [cron]  # type: ignore[union-attr]
                assert d.parameters == {"config": str(config), "portals": [name], "warehouse": None}
                assert not d.pull_steps and not d.job_variables  # nothing but the worker's own install and environment

            def online() -> bool:
                found = client.read_workers_for_work_pool(POOL)
                return sum(1 for w in found if w.status == "ONLINE") == 2

            _wait_for(online, STARTUP_S, "two workers online", procs, logs)

            def run(name: str) -> UUID:
                return client.create_flow_run_from_deployment(deployments[name].id).id

            ran_on: dict[UUID, int] = {}  # flow run -> the worker whose process tree ran it

            def final(ids: list[UUID]) -> list[FlowRun] | None:
                runs = [client.read_flow_run(i) for i in ids]
                for r in runs:
                    if r.id not in ran_on and r.infrastructure_pid:
                        pid = int(str(r.infrastructure_pid).rsplit(":", 1)[-1])
                        for n, w in workers.items():
                            if pid in descendants(w.pid):
                                ran_on[r.id] = n
                return runs if all(r.state is not None and r.state.is_final() for r in runs) else None

            # both portals at once: each worker takes one (a limit of one run each)
            first = [run("alpha"), run("beta")]
            # meanwhile alpha leaves the config: deploying again updates beta in place and names alpha's as stale
            again = subprocess.run([*deploy_argv[:-1], str(beta_only)], env=deploy_env, cwd=tmp_path,
                                   capture_output=True, text=True, timeout=120)
            assert again.returncode == 0, again.stderr
            assert f"work pool {POOL} (process) exists" in again.stdout
            assert [line.split(":")[0] for line in again.stdout.splitlines() if "crawl-" in line] == [
                "deployed scheduled-crawl/crawl-beta", "stale scheduled-crawl/crawl-alpha"], again.stdout
            assert client.read_deployment_by_name("scheduled-crawl/crawl-beta").id == deployments["beta"].id
            assert client.read_deployment_by_name("scheduled-crawl/crawl-alpha").id == deployments["alpha"].id
            runs = _wait_for(lambda: final(first), 180, "the first two runs", procs, logs)
            assert [r.state.type.value for r in runs] == ["COMPLETED", "COMPLETED"], [r.state for r in runs]
            assert sorted(ran_on[i] for i in first) == [1, 2], ran_on
            state = _warehouse()
            assert sorted(r[1] for r in state["snapshots"]) == ["alpha", "beta"]
            assert [r[2] for r in state["snapshots"]] == [FIRST, FIRST]
            assert state["documents"] == {"alpha": FIRST, "beta": FIRST}
            before = state
            two_runs = time.monotonic() - started

            # beta grows; its next run is killed, with its worker, between a committed part and its snapshot
            for article in beta[FIRST:]:
                mirror.add(article)
            mirror.prerender()

            def articles_served() -> int:
                return sum(1 for r in list(mirror.requests) if r[1] == "beta" and "/art/" in r[3])

            served_before = articles_served()
            doomed = run("beta")

            def slow_down() -> bool:
                if articles_served() - served_before >= SLOW_AFTER:
                    mirror.latency = 1.0
                    return True
                return False

            _wait_for(slow_down, 180, f"{SLOW_AFTER} beta articles fetched", procs, logs)
            _wait_for(_unfinished_load, 120, "a committed part of the load", procs, logs)
            final([doomed])
            assert doomed in ran_on, "the run being loaded is not in either worker's process tree"
            victim = ran_on[doomed]
            killed = _kill_machine(workers[victim])
            deadline = time.monotonic() + 15
            while any(alive(p) for p in killed) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not any(alive(p) for p in killed), "processes of the killed worker remain"
            mirror.latency = 0.0
            after_kill = _warehouse()  # opens, every check passes
            assert after_kill["snapshots"] == before["snapshots"]  # nothing of the dead run is visible
            assert after_kill["documents"] == before["documents"]
            assert after_kill["unfinished"] == 1  # the kill landed mid-load: a part committed, invisible

            # the next run of beta goes to the worker still alive, and completes
            survivor = next(n for n in workers if n != victim)
            del procs[f"worker{victim}"]
            rerun = run("beta")
            runs = _wait_for(lambda: final([rerun]), 240, "the run after the kill", procs, logs)
            assert runs[0].state.type.value == "COMPLETED", runs[0].state
            assert ran_on.get(rerun) == survivor, ran_on
        state = _warehouse()
        ids = [r[0] for r in state["snapshots"]]
        assert len(ids) == 3 and ids == sorted(set(ids)), state["snapshots"]
        assert state["snapshots"][-1][1:] == ("beta", ADDED)
        assert state["documents"] == {"alpha": FIRST, "beta": FIRST + ADDED}
        assert state["unfinished"] == 0
    total = time.monotonic() - started
    print(f"prefect server up {server_up:.0f} s, two runs done {two_runs:.0f} s, all {total:.0f} s")


PORTALS = """
[[portals]]
name = "scheduled"
start_urls = ["https://www.example.gov.cn/col/col1/index.html"]
schedule = "{cron}"

[[portals]]
name = "unscheduled"
start_urls = ["https://www.example.gov.cn/col/col2/index.html"]
"""


@pytest.mark.parametrize(("api", "cron", "argv", "says"), [
    (None, "0 3 * * *", [], "PREFECT_API_URL is not set: point it at the shared Prefect server"),
    ("closed", "0 3 * * *", [], "cannot reach the Prefect API at http://127.0.0.1:"),
    ("closed", "every night", [], "portal scheduled: schedule 'every night' is not a cron expression"),
    ("closed", "0 3 * * *", ["--portal", "unscheduled"], "portal(s) unscheduled in "),
    ("closed", "0 3 * * *", ["--portal", "nowhere"], "unknown portal(s) nowhere in "),
])
def test_deploy_mistakes_are_one_line_saying_what_to_do(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                         api: str | None, cron: str, argv: list[str], says: str) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    config = tmp_path / "portals.toml"
    config.write_text(PORTALS.format(cron=cron), encoding="utf-8")
    url = f"http://127.0.0.1:{_free_port()}/api"  # nothing listens there: a mistake found first never gets that far
    settings_ctx = (temporary_settings(restore_defaults={PREFECT_API_URL}) if api is None
                    else temporary_settings(updates={PREFECT_API_URL: url}))
    with settings_ctx:
        assert main(["deploy", "--config", str(config), *argv]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"zwgk deploy: {says}") and err.count("\n") == 1, err


def test_a_deployment_naming_a_portal_the_worker_config_lacks_fails_saying_so(tmp_path: Path) -> None:
    from flows.crawl import scheduled_crawl

    config = tmp_path / "portals.toml"
    config.write_text(PORTALS.format(cron="0 3 * * *"), encoding="utf-8")
    with pytest.raises(settings.ConfigError, match=r"portal\(s\) gone not in .*portals.toml on this machine"):
        scheduled_crawl.fn(config=str(config), portals=["scheduled", "gone"], warehouse=str(tmp_path / "wh"))
    assert not (tmp_path / "wh").exists()  # refused before the warehouse is touched
