"""Processed batches wait on disk until the load, so a crawl's memory does not grow with its size."""

from __future__ import annotations

import os
import pickle
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path

from flows.warehouse import ProcessedPage

STAGING_DIR = "staging"
STALE_AFTER_S = 24 * 3600.0


def staging_dir(warehouse: Path, run_id: str) -> Path:
    path = warehouse / STAGING_DIR / run_id
    path.mkdir(parents=True, exist_ok=True)
    return path


def stage(folder: Path, pages: list[ProcessedPage]) -> str:
    """Write one batch; the rename makes a half-written file impossible to read as a batch."""
    final = folder / f"{uuid.uuid4().hex}.pkl"
    partial = final.with_suffix(".partial")
    with partial.open("wb") as fh:
        pickle.dump(pages, fh, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, final)
    return str(final)


def read_staged(paths: list[str]) -> Iterator[ProcessedPage]:
    """Our own files, written by `stage` in this run: one batch in memory at a time."""
    for path in paths:
        with open(path, "rb") as fh:
            yield from pickle.load(fh)  # noqa: S301 - only files this run wrote


def discard(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def discard_stale(warehouse: Path, older_than_s: float = STALE_AFTER_S) -> None:
    """Batches left by runs killed before their load: never loaded. Recent folders may belong to a live run."""
    root = warehouse / STAGING_DIR
    if not root.is_dir():
        return
    cutoff = time.time() - older_than_s
    for folder in root.iterdir():
        with suppress(OSError):
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
