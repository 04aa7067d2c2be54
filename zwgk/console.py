"""A run's progress on the command line: a bar on a terminal, plain log lines in a pipe or a log file.

A long crawl showed nothing until it ended; across 200 portals nothing showed which ones were failing. The bar
counts article pages done of those listed across all hosts, failures, and the ETA at the polite rate (the busiest
host's queue divided by its rate); a portal that fails or loses pages is printed above it as it finishes.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import TextIO

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from flows.progress import Snapshot, watch

PLAIN_EVERY_S = 10.0  # a log line at most this often, when nobody watches a terminal


def _eta(seconds: float) -> str:
    return str(timedelta(seconds=round(seconds))) if seconds > 0 else "-"


def _failures(failed: dict[str, int]) -> str:
    return ", ".join(f"{p or 'processing'} {n}" for p, n in sorted(failed.items(), key=lambda kv: -kv[1])[:5])


@contextmanager
def run_progress(what: str, stream: TextIO | None = None) -> Iterator[None]:
    """While the block runs, every progress snapshot of the run is shown on `stream` (stderr by default)."""
    out = stream or sys.stderr
    if out.isatty():
        with _bar(what, out):
            yield
    else:
        with _lines(what, out):
            yield


@contextmanager
def _bar(what: str, out: TextIO) -> Iterator[None]:
    console = Console(file=out)
    bar = Progress(TextColumn(f"[bold]{what}"), BarColumn(), MofNCompleteColumn(), TextColumn("pages"),
                   TextColumn("[red]{task.fields[failed]} failed"), TextColumn("ETA {task.fields[eta]}"),
                   TimeElapsedColumn(), console=console, transient=False)
    task = bar.add_task(what, total=None, failed=0, eta="-")

    def show(snapshot: Snapshot) -> None:
        for portal, state in snapshot.finished:
            lost = snapshot.failed.get(portal, 0)
            if state != "ok" or lost:
                bar.console.print(f"  {portal}: {state}" + (f", {lost} pages failed" if lost else ""))
        bar.update(task, total=snapshot.listed or None, completed=snapshot.done,
                   failed=sum(snapshot.failed.values()), eta=_eta(snapshot.eta_s))

    unsubscribe = watch(show)
    try:
        with bar:
            yield
    finally:
        unsubscribe()


@contextmanager
def _lines(what: str, out: TextIO) -> Iterator[None]:
    last = [0.0]

    def say(line: str) -> None:  # not print(): a flow with log_prints turns print() into its log
        out.write(line + "\n")
        out.flush()

    def show(snapshot: Snapshot) -> None:
        for portal, state in snapshot.finished:
            if state != "ok" or snapshot.failed.get(portal):
                say(f"{what}: {portal}: {state}, {snapshot.failed.get(portal, 0)} pages failed")
        now = time.monotonic()
        if now - last[0] >= PLAIN_EVERY_S or snapshot.final:
            last[0] = now
            failed = sum(snapshot.failed.values())
            say(f"{what}: {snapshot.done}/{snapshot.listed} pages done, {failed} failed"
                + (f" ({_failures(snapshot.failed)})" if failed else "") + f", ETA {_eta(snapshot.eta_s)}")

    unsubscribe = watch(show)
    try:
        yield
    finally:
        unsubscribe()
