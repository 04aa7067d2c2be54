"""The locks that keep concurrent loads of one warehouse correct, held by the engine that the catalog lives on.

A PostgreSQL catalog is shared by machines, so its loads lock with PostgreSQL session advisory locks: the server
drops them when the holder's session ends (the process died, or its machine went silent past the TCP keepalive).
The embedded SQLite catalog is one machine's, so its loads lock with flock files beside it, which the kernel drops
when the holder dies. Either way a lock held is a live holder: nothing a dead load leaves can be taken for a
running one, and nothing has to time out.

Names: "alloc" (short: allocating a snapshot id, clean-up, maintenance), "portal:<name>" (a load's whole duration:
a document's versions change only under its portal's lock), "load:<id>" (held by the load that owns snapshot id
<id> from its `load_starts` row to its last commit), "schema" (creating or upgrading the schema).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from pathlib import Path
from typing import IO, Protocol

from flows.locks import held_by_someone
from zwgk import settings

WRITER = "writer"
POLL_S = 0.05


class LockError(RuntimeError):
    """The locks cannot be had: the catalog's server is out of reach, or a lock stayed held too long."""


class LockTimeout(LockError):
    """A lock stayed held by another live load for longer than the wait allowed."""


class LoadLocks(Protocol):
    def hold(self, name: str, timeout: float = settings.LOAD_WAIT_S) -> AbstractContextManager[None]: ...
    def is_held(self, name: str) -> bool: ...
    def portal_locks(self, portals: Iterable[str]) -> list[str]: ...
    def close(self) -> None: ...


def hold_all(locks: LoadLocks, names: Iterable[str], timeout: float = settings.LOAD_WAIT_S) -> ExitStack:
    """Several locks, always taken in sorted order, so two loads wanting overlapping sets never deadlock."""
    stack = ExitStack()
    try:
        for name in sorted(set(names)):
            stack.enter_context(locks.hold(name, timeout))
    except BaseException:
        stack.close()
        raise
    return stack


def _lock_file_name(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name) + ".lock"


class FileLoadLocks:
    """flock files in <folder>/.locks: SQLite takes one writer at a time (concurrent DuckLake commits on a SQLite
    catalog failed with "database is locked", 28 of 80 in four processes), so every portal lock is one writer lock."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder / ".locks"
        self.folder.mkdir(parents=True, exist_ok=True)

    def portal_locks(self, portals: Iterable[str]) -> list[str]:
        return [WRITER]

    @contextmanager
    def hold(self, name: str, timeout: float = settings.LOAD_WAIT_S) -> Iterator[None]:
        path = self.folder / _lock_file_name(name)
        with open(path, "a+b") as handle:
            _flock(handle, name, timeout)
            try:
                yield
            finally:
                if name.startswith("load:"):  # one file per load: gone with it (a prober of a stale name sees it free)
                    path.unlink(missing_ok=True)
                fcntl.flock(handle, fcntl.LOCK_UN)

    def is_held(self, name: str) -> bool:
        return held_by_someone(self.folder / _lock_file_name(name))

    def close(self) -> None:
        pass


def _flock(handle: IO[bytes], name: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise LockTimeout(f"lock {name!r} still held by another load after {timeout:.0f} s") from None
            time.sleep(POLL_S)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name (advisory locks are scoped to the catalog's database)."""
    return int.from_bytes(hashlib.blake2b(f"zwgk:{name}".encode(), digest_size=8).digest(), "big", signed=True)


class PostgresLoadLocks:
    """Session advisory locks on a connection of their own, open for as long as this object."""

    def __init__(self, conninfo: str) -> None:
        import psycopg

        keepalive = settings.LOCK_KEEPALIVE_S
        try:
            self.db = psycopg.connect(conninfo, autocommit=True, application_name=f"zwgk-load-{os.getpid()}",
                                      keepalives=1, keepalives_idle=keepalive, keepalives_interval=keepalive,
                                      keepalives_count=3, tcp_user_timeout=keepalive * 4 * 1000,
                                      connect_timeout=int(settings.CONNECT_TIMEOUT_S))
        except psycopg.Error as exc:
            raise LockError(f"cannot reach the catalog's PostgreSQL for its locks: {str(exc).splitlines()[0]}") from exc

    def portal_locks(self, portals: Iterable[str]) -> list[str]:
        return [f"portal:{p}" for p in portals]

    @contextmanager
    def hold(self, name: str, timeout: float = settings.LOAD_WAIT_S) -> Iterator[None]:
        import psycopg

        key = advisory_key(name)
        try:
            self.db.execute("SELECT set_config('lock_timeout', %s, false)", [f"{int(timeout * 1000)}ms"])
            self.db.execute("SELECT pg_advisory_lock(%s)", [key])
        except psycopg.errors.LockNotAvailable:
            raise LockTimeout(f"lock {name!r} still held by another load after {timeout:.0f} s") from None
        try:
            yield
        finally:
            if not self.db.closed:
                self.db.execute("SELECT pg_advisory_unlock(%s)", [key])

    def is_held(self, name: str) -> bool:
        """Read from pg_locks, not by taking the lock: a session's advisory locks are re-entrant for itself."""
        key = advisory_key(name) & 0xFFFFFFFFFFFFFFFF
        row = self.db.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
            "AND classid::bigint = %s AND objid::bigint = %s", [key >> 32, key & 0xFFFFFFFF]).fetchone()
        return bool(row and row[0])

    def close(self) -> None:
        self.db.close()


def locks_for(catalog_path: str, folder: Path) -> LoadLocks:
    """The locks of the catalog a connection attached: `postgres:<conninfo>` or a SQLite file."""
    if catalog_path.startswith("postgres:"):
        return PostgresLoadLocks(catalog_path.removeprefix("postgres:"))
    return FileLoadLocks(folder)
