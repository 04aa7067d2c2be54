"""Processed batches wait on disk until the load, so a crawl's memory does not grow with its size."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from flows.locks import held_by_someone
from flows.warehouse import StagedPages

STAGING_DIR = "staging"


@contextmanager
def staging_area(warehouse: Path) -> Iterator[Path]:
    """This run's folder of staged batches, removed on the way out. Each folder has a lock its run holds, so the
    folders of runs that were killed are told from live ones at once and removed by the next run."""
    root = warehouse / STAGING_DIR
    root.mkdir(parents=True, exist_ok=True)
    _discard_dead(root)
    while True:
        name = uuid.uuid4().hex
        lock = open(root / f"{name}.lock", "a+b")  # noqa: SIM115 - held for the run, closed below
        fcntl.flock(lock, fcntl.LOCK_EX)
        with suppress(FileNotFoundError):
            if os.stat(root / f"{name}.lock").st_ino == os.fstat(lock.fileno()).st_ino:
                break  # still ours: not removed as dead between its creation and the lock
        lock.close()
    folder = root / name
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        with suppress(FileNotFoundError):
            os.unlink(root / f"{name}.lock")
        lock.close()


def _discard_dead(root: Path) -> None:
    """Folders whose run is gone: never loaded, never will be."""
    for entry in root.iterdir():
        lock = entry if entry.suffix == ".lock" else root / f"{entry.name}.lock"
        if held_by_someone(lock):
            continue
        shutil.rmtree(root / lock.stem, ignore_errors=True)
        with suppress(FileNotFoundError):
            os.unlink(lock)


def stage(folder: Path, pages: StagedPages) -> str:
    """Write one batch; the rename makes a half-written file impossible to read as a batch."""
    final = folder / f"{uuid.uuid4().hex}.pkl"
    partial = final.with_suffix(".partial")
    with partial.open("wb") as fh:
        pickle.dump(pages, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, final)
    return str(final)


def read_staged(paths: list[str]) -> Iterator[StagedPages]:
    """Our own files, written by `stage` in this run: one batch in memory at a time."""
    for path in paths:
        with open(path, "rb") as fh:
            yield pickle.load(fh)  # noqa: S301 - only files this run wrote
