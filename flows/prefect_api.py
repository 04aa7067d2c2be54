"""The Prefect API a command talks to: PREFECT_API_URL when set, otherwise a private server that dies with us.

Prefect's own ephemeral server is a plain child process: a `zwgk crawl` killed with SIGKILL (a cron timeout, the
OOM killer) left it running, ~200 MB each, 5 kills in 8. The private server is the same app (Prefect's
`create_app` in ephemeral mode, on PREFECT_HOME's database) started by zwgk, and it watches its parent: when the
parent is gone it shuts down within a second, and the kernel's parent-death signal covers the common case at once.

Run as `python -m flows.prefect_api PARENT_PID PORT` (zwgk starts it; not meant to be started by hand).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import requests

from flows.locks import file_lock
from flows.orphans import die_with
from zwgk import settings


class ApiStartError(RuntimeError):
    """The private Prefect API did not come up: the message carries what it printed."""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(proc: subprocess.Popen[bytes], url: str, timeout: float, log: IO[bytes]) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            err = log.read().decode("utf-8", "replace")
            raise ApiStartError(f"the Prefect API exited with status {proc.returncode}: {err.strip()[-600:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(f"{url}/health", timeout=2).ok:
                return
        time.sleep(0.1)
    raise ApiStartError(f"the Prefect API did not answer on {url} within {timeout:.0f} s "
                        "(raise PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS on a slow machine)")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def prefect_api() -> Iterator[str]:
    """Every Prefect call inside talks to this API; a private one is stopped on the way out (or dies with us)."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    configured = PREFECT_API_URL.value()
    if configured:
        yield str(configured)
        return
    port = _free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    # what the server says goes to a file, read only if it fails to start: a pipe nobody reads fills up, and a
    # closed one made the server answer 500 when it logged
    home = Path(get_current_settings().home)
    home.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile() as log:
        # one start at a time per PREFECT_HOME: two first runs at once migrated one database together and one failed
        # ("index ... already exists")
        with file_lock(home / "private-api-start.lock"):
            proc = subprocess.Popen([sys.executable, "-m", "flows.prefect_api", str(os.getpid()), str(port)], env=env,
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log,
                                    cwd=settings.PROJECT_ROOT)
            try:
                _wait_healthy(proc, url, settings.api_startup_timeout(), log)
            except BaseException:
                _stop(proc)
                raise
        try:
            # no heartbeats: a private API runs no service that reads them, and the heartbeat thread made every flow
            # run wait up to a second at its end (it sleeps in one-second steps before it sees the stop)
            with temporary_settings(updates={PREFECT_API_URL: url, "flows.heartbeat_frequency": None}):
                try:
                    yield url
                finally:
                    _drain_to(url)
        finally:
            _stop(proc)


def _drain_to(url: str) -> None:
    """Logs and events still queued reach the API before it stops (as Prefect's own test harness does it)."""
    import inspect

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        with contextlib.suppress(RuntimeError):  # a worker that never started
            logs = APILogWorker.instance().drain()
            if inspect.isawaitable(logs):
                await logs
        events = EventsWorker.drain_all()
        if inspect.isawaitable(events):
            await events

    with contextlib.suppress(Exception):  # what could not be sent is lost with the private API anyway
        run_coro_as_sync(drain())


def _writes_wait_their_turn() -> None:
    """Every SQLite transaction of the private API begins IMMEDIATE, so a write waits for the one in progress.

    Prefect begins most transactions DEFERRED: one that has read and then writes while the server's event
    recorders commit fails at once with SQLITE_BUSY_SNAPSHOT (busy_timeout does not apply), the API answers 503
    and the client sleeps ~2 s before it retries (PrefectHQ/prefect#18934). Right after a run, 3 in 5 flow run
    creations hit it on this machine: a 1.1 s crawl took 2.9-3.3 s (measured)."""
    from prefect.server.database.configurations import AioSqliteConfiguration

    begin = AioSqliteConfiguration.begin_transaction

    def begin_immediate(self: AioSqliteConfiguration, session: Any, with_for_update: bool = False) -> Any:
        return begin(self, session, with_for_update=True)

    AioSqliteConfiguration.begin_transaction = begin_immediate  # type: ignore[method-assign]


def main(argv: list[str]) -> None:
    parent, port = int(argv[0]), int(argv[1])
    die_with(parent, settings.API_SHUTDOWN_GRACE_S)
    _writes_wait_their_turn()
    import uvicorn

    uvicorn.run("prefect.server.api.server:create_app", factory=True, host="127.0.0.1", port=port, log_level="error",
                lifespan="on", timeout_graceful_shutdown=int(settings.API_SHUTDOWN_GRACE_S))


if __name__ == "__main__":
    main(sys.argv[1:])
