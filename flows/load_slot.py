"""The `zwgk-warehouse-load` slot: one load at a time across the runs that share a Prefect API, never kept by the dead.

A slot lives in Prefect's database and its lease in the API server's memory. A run killed while loading never gives
its slot back: a shared Prefect server takes it back when the lease runs out (LOAD_LEASE_S, its repossessor
service), but the private API (flows/prefect_api.py) runs no services and dies with its run, so on one machine the
slot stayed taken for good and every later load waited an hour and failed. Here a load holds a file lock in
PREFECT_HOME beside the slot; the kernel drops the lock of a dead process, so a run that holds the lock and talks
to a private API knows that any slot still taken belongs to a run that died, and takes it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect import get_client, get_run_logger
from prefect.client.schemas.actions import GlobalConcurrencyLimitUpdate
from prefect.concurrency.sync import concurrency
from prefect.settings import get_current_settings

from flows.locks import file_lock
from flows.prefect_api import private_api_url
from zwgk import settings

HOLDER_LOCK = "zwgk-load-slot.lock"


def ensure_load_limit() -> None:
    """zwgk creates its own global concurrency limit: loads take it strictly, so a missing one is an error."""
    with get_client(sync_client=True) as client:
        client.upsert_global_concurrency_limit_by_name(settings.LOAD_LOCK_NAME, 1)


def holder_lock_path() -> Path:
    home = Path(get_current_settings().home)
    home.mkdir(parents=True, exist_ok=True)
    return home / HOLDER_LOCK


def _reclaim_dead_holders() -> None:
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(settings.LOAD_LOCK_NAME)
        if limit.active_slots:
            get_run_logger().warning("%s: %d slot(s) held by a run that died; taken back", settings.LOAD_LOCK_NAME,
                                     limit.active_slots)
            client.update_global_concurrency_limit(settings.LOAD_LOCK_NAME,
                                                   GlobalConcurrencyLimitUpdate(active_slots=0))


@contextmanager
def load_slot() -> Iterator[None]:
    with file_lock(holder_lock_path()):
        if private_api_url() is not None:
            _reclaim_dead_holders()
        with concurrency(settings.LOAD_LOCK_NAME, occupy=1, strict=True, timeout_seconds=settings.LOAD_WAIT_S,
                         lease_duration=settings.LOAD_LEASE_S):
            yield
