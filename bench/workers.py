"""Beyond one machine, measured on one: crawls from one worker or two into one PostgreSQL-catalog warehouse, and
the load of one snapshot on the SQLite and on the PostgreSQL catalog.

A worker is a crawl process pinned to its own core (its processing pool and private Prefect API on that core too),
as a worker machine would run it; the mirror serves pre-rendered pages, so it hardly competes for the cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from mirror.postgres import PostgresServer, postgres_server

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class WorkerFigures:
    one_worker_pages_s: float
    two_workers_pages_s: float
    sqlite_load_s: float
    postgres_load_s: float
    pages: int

    @property
    def speed_up(self) -> float:
        return self.two_workers_pages_s / self.one_worker_pages_s


def _pinned(core: int):  # noqa: ANN202 - a preexec_fn
    available = sorted(os.sched_getaffinity(0))
    return lambda: os.sched_setaffinity(0, {available[core % len(available)]})


def _crawl_together(configs: list[Path], warehouse: Path, env: dict[str, str], folder: Path) -> tuple[float, int]:
    """Pages per second of crawls started at one moment, one process per config, process k pinned to core k."""
    barrier = folder / f"go-{time.monotonic_ns()}"
    procs = [subprocess.Popen([sys.executable, "-m", "bench.crawl_once", str(c), str(warehouse), str(barrier)],
                              stdout=subprocess.PIPE, text=True, cwd=ROOT, env=env, preexec_fn=_pinned(k))
             for k, c in enumerate(configs)]
    for proc in procs:
        assert proc.stdout is not None
        if proc.stdout.readline().strip() != "ready":
            raise RuntimeError(f"a bench crawl did not start: {proc.communicate()}")
    started = time.perf_counter()
    barrier.touch()
    results = []
    for proc in procs:
        out, _ = proc.communicate(timeout=1800)
        if proc.returncode:
            raise RuntimeError(f"a bench crawl failed ({proc.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    wall = time.perf_counter() - started
    stored = sum(int(r["new"]) for r in results)
    return stored / wall, stored


def _shared_env(server: PostgresServer, database: str, folder: Path) -> dict[str, str]:
    env = {**os.environ, "ZWGK_CATALOG": f"postgres:{server.create_database(database)}",
           "ZWGK_DATA_PATH": str(folder / f"{database}-data"), "PREFECT_HOME": str(folder / f"{database}-prefect")}
    env.pop("PREFECT_API_URL", None)
    return env


def _load_once(folder: Path, pages: list[bytes], env: dict[str, str]) -> float:
    """Seconds of one first-snapshot load of the same staged pages (in this process, the catalog from env)."""
    from bench.snapshots import _raw, _stage
    from flows.warehouse import CrawlBatch, connect, load

    saved = {k: os.environ.get(k) for k in ("ZWGK_CATALOG", "ZWGK_DATA_PATH")}
    os.environ.update({k: env[k] for k in saved if k in env})
    try:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        raws = [_raw(i, html, now) for i, html in enumerate(pages)]
        batch = CrawlBatch(kind="crawl", started_at=datetime.now(UTC), portals=["bench"], pages=_stage(raws),
                           listed_urls={"bench": {r.url for r in raws}}, pages_listed=len(raws))
        con = connect(folder)
        try:
            started = time.perf_counter()
            load(con, batch)
            return time.perf_counter() - started
        finally:
            con.close()
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def worker_figures(pages: int, seed: int, folder: Path, corpus: list[bytes]) -> WorkerFigures:
    from bench.run import serve_mirror

    folder.mkdir(parents=True, exist_ok=True)
    proc, config = serve_mirror(pages, seed, folder, "--portal-per-host")
    try:
        from zwgk import settings

        text = config.read_text(encoding="utf-8")
        per_portal = []
        for portal in settings.parse_portals(text):
            one = folder / f"{portal.name}.toml"
            one.write_text(_portal_toml(text, portal.name), encoding="utf-8")
            per_portal.append(one)
        with postgres_server() as server:
            one_rate, one_pages = _crawl_together([config], folder / "wh-one", _shared_env(server, "one", folder),
                                                  folder)
            two_rate, two_pages = _crawl_together(per_portal, folder / "wh-two", _shared_env(server, "two", folder),
                                                  folder)
            if one_pages != pages or two_pages != pages:
                raise RuntimeError(f"crawls stored {one_pages} and {two_pages} of {pages} pages")
            postgres_load = _load_once(folder / "wh-load-pg", corpus, _shared_env(server, "load", folder))
        sqlite_load = _load_once(folder / "wh-load-sqlite", corpus, {"ZWGK_CATALOG": "sqlite", "ZWGK_DATA_PATH": ""})
    finally:
        proc.terminate()
        proc.wait()
    return WorkerFigures(one_rate, two_rate, sqlite_load, postgres_load, pages)


def _portal_toml(text: str, name: str) -> str:
    """The [[portals]] entry of one portal out of a config the mirror wrote."""
    entries = text.split("[[portals]]")
    return "".join("[[portals]]" + e for e in entries[1:] if f'name = "{name}"' in e)


def main() -> None:
    """`python -m bench.workers [PAGES]`: these figures alone (make bench writes them into BENCHMARKS.md)."""
    import tempfile

    from bench.run import build_corpus

    pages = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-workers-") as tmp:
        folder = Path(tmp)
        build_corpus(folder / "corpus", pages, 7)
        corpus = [p.read_bytes() for p in sorted((folder / "corpus" / "pages").iterdir())]
        figures = worker_figures(pages, 7, folder / "workers", corpus)
    print(json.dumps({**figures.__dict__, "speed_up": figures.speed_up}))


if __name__ == "__main__":
    main()
