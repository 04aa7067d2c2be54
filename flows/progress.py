"""Progress of a run, counted across all hosts: a Prefect progress artifact, and whoever watches (the CLI's bar).

Counters are bumped from the fetch loop, the processing pool and the portal tasks; `publish()` runs on the flow's
own thread (it talks to the Prefect API, whose settings live in the flow's context) at most every
PROGRESS_EVERY_S seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from uuid import UUID

from prefect.artifacts import create_progress_artifact, update_progress_artifact

from zwgk import settings


@dataclass
class Snapshot:
    """What a watcher is shown: pages done of listed, failures per portal, the polite ETA, finished portals."""

    listed: int
    done: int
    failed: dict[str, int]
    eta_s: float
    finished: list[tuple[str, str]] = field(default_factory=list)  # (portal, state) since the last snapshot
    final: bool = False


_watchers: list[Callable[[Snapshot], None]] = []


def watch(callback: Callable[[Snapshot], None]) -> Callable[[], None]:
    """Called with a Snapshot on every publish of every run in this process; returns the unsubscribe."""
    _watchers.append(callback)
    return lambda: _watchers.remove(callback)


class RunProgress:
    def __init__(self, description: str, eta: Callable[[], float] = lambda: 0.0) -> None:
        self._lock = threading.Lock()
        self.listed = self.done = 0
        self.failed: dict[str, int] = {}
        self._finished: list[tuple[str, str]] = []
        self._eta = eta
        self._last = 0.0
        self._description = description
        self._artifact: UUID | None = None  # created at the first publish: off the start of the run (0.04 s)

    def add_listed(self, n: int) -> None:
        with self._lock:
            self.listed += n

    def page_done(self, portal: str, failed: bool = False) -> None:
        with self._lock:
            self.done += 1
            if failed:
                self.failed[portal] = self.failed.get(portal, 0) + 1

    def batch_done(self, pages: int, failed: dict[str, int]) -> None:
        """A processed batch: its pages done, the ones processing refused counted against their portals."""
        with self._lock:
            self.done += pages
            for portal, n in failed.items():
                self.failed[portal] = self.failed.get(portal, 0) + n

    def portal_finished(self, portal: str, state: str) -> None:
        with self._lock:
            self._finished.append((portal, state))

    def publish(self, force: bool = False, final: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < settings.PROGRESS_EVERY_S:
            return
        self._last = now
        with self._lock:
            snapshot = Snapshot(self.listed, self.done, dict(self.failed), self._eta(), self._finished, final)
            self._finished = []
        share = 100.0 if final else 100.0 * snapshot.done / snapshot.listed if snapshot.listed else 0.0
        if self._artifact is None:
            created = create_progress_artifact(share, key="crawl-progress", description=self._description)
            assert isinstance(created, UUID)  # sync context: prefect's sync_compatible returns the value
            self._artifact = created
        else:
            update_progress_artifact(self._artifact, share)
        for callback in list(_watchers):
            callback(snapshot)

    def finish(self) -> None:
        self.publish(force=True, final=True)  # one update at the end: each costs the API a round trip
