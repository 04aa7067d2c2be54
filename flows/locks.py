"""File locks that the kernel releases when their holder dies: what a killed run can never leave held."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """An exclusive lock across processes and threads (each holder opens the file itself)."""
    with open(path, "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def held_by_someone(path: Path) -> bool:
    """Whether a live process holds the lock right now (a lock left by a dead one is free)."""
    try:
        with open(path, "rb") as lock:  # never creates the file: probing a name leaves nothing behind
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return True
            fcntl.flock(lock, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False
