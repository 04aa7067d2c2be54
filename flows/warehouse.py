"""The DuckLake warehouse: a catalog (SQLite in the folder, or a shared PostgreSQL) and Parquet files, versioned per crawl."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import ExitStack, closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import duckdb_extensions
import polars as pl

from flows.load_locks import LoadLocks, LockError, LockTimeout, hold_all, locks_for
from transforms import PARSER_VERSION
from transforms.models import METADATA_FIELDS, Document
from transforms.period import heading_chains, headings_above, resolve_period
from zwgk import settings
from zwgk.settings import SQL_DIR, WarehouseLocation

# 3: loads commit in parts (load_starts); 4: portal_runs and the portal_health view; 5: exact values (DECIMAL) and
# panel periods in indicator_rows, the indicator_panel and targets_vs_results views
SCHEMA_VERSION = "5"
CATALOG = "zwgk"
LOAD_CHUNK_ROWS = 2000  # rows per insert inside a load: bounded memory, few Parquet files
# A crawl load commits every LOAD_COMMIT_VERSIONS new versions: a transaction keeps its inserted rows in memory
# until it commits, so one transaction for a 10,000-page first crawl grew to 750 MB. The parts stay invisible (the views
# show only snapshots in `snapshots`) until the last transaction writes the snapshot row.
LOAD_COMMIT_VERSIONS = 1000
COMPACT_EVERY = 10  # snapshots between maintenance rounds: inlined rows flushed, small Parquet files merged
LOAD_MERGE_DOCUMENTS = 500  # staged batches are loaded in chunks of about this many documents


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or a load failed its checks (nothing was committed)."""


def sql_string(text: str | Path) -> str:
    """A SQL string literal, for the places DuckDB takes no parameter (ATTACH, COPY ... TO)."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_files(folder: str) -> list[Path]:
    return sorted((SQL_DIR / folder).glob("*.sql"))


def attach_statement(location: WarehouseLocation, read_only: bool = False, new_catalog: bool = False) -> str:
    """The ATTACH a user types into the plain DuckDB client (with `LOAD postgres` first for a PostgreSQL catalog).

    The SQLite catalog names the folder's data path on every attach (the folder may move); a shared catalog keeps
    the data path it was created with unless this machine's configuration names one (its mount of the share)."""
    options = []
    if location.postgres is None or location.data_path or new_catalog:
        options.append(f"DATA_PATH {sql_string(location.data)}, OVERRIDE_DATA_PATH true")
    if read_only:
        options.append("READ_ONLY")
    suffix = f" ({', '.join(options)})" if options else ""
    return f"ATTACH {sql_string('ducklake:' + _catalog_name(location))} AS {CATALOG}{suffix}"


def connect(folder: Path, read_only: bool = False, config: Path | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse of a folder, where its [warehouse] configuration says its catalog and data live."""
    try:
        location = settings.warehouse_location(folder, config)
    except settings.ConfigError as exc:
        raise WarehouseError(str(exc)) from exc
    folder = location.folder
    if location.postgres is None and read_only and not (folder / "catalog.sqlite").exists():
        raise WarehouseError(f"no warehouse at {folder}: run `zwgk crawl` or `zwgk demo` first, or pass --warehouse DIR")
    if read_only:
        return _open(location, read_only)
    folder.mkdir(parents=True, exist_ok=True)
    if not location.data_path:
        (folder / "data").mkdir(parents=True, exist_ok=True)
    try:
        locks = locks_for(_catalog_name(location), folder)
    except LockError as exc:
        raise WarehouseError(public_catalog(f"cannot open warehouse {location.catalog}: {exc}")) from exc
    try:
        with locks.hold("schema"):  # two first runs, on any machines, must not create the catalog at once
            if location.postgres is None:
                _wal_catalog(folder / "catalog.sqlite")
            con = _open(location, read_only)
            try:
                _ensure_schema(con)
            except BaseException:
                con.close()
                raise
    except LockTimeout as exc:
        raise WarehouseError(f"cannot open warehouse {folder}: {exc}") from exc
    finally:
        locks.close()
    return con


def _catalog_name(location: WarehouseLocation) -> str:
    """The catalog as DuckLake names it after `ducklake:` (and duckdb_databases() reports it)."""
    if location.postgres is not None:
        return f"postgres:{location.postgres}"
    return f"sqlite:{location.folder / 'catalog.sqlite'}"


def _open(location: WarehouseLocation, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    extensions = ["ducklake", "icu", "postgres" if location.postgres is not None else "sqlite"]
    if location.remote_data:
        extensions.append("httpfs")
    try:
        for extension in extensions:
            duckdb_extensions.import_extension(extension, con=con)  # installs it; httpfs is not loaded by that
            con.execute(f"LOAD {extension}")
        if location.remote_data:
            object_store_secret(con)
        try:
            con.execute(attach_statement(location, read_only))
        except duckdb.Error as exc:
            if location.postgres is None or location.data_path or "data_path is not set" not in str(exc):
                raise
            con.execute(attach_statement(location, read_only, new_catalog=True))  # a new shared catalog: the folder's
    except (duckdb.Error, ModuleNotFoundError) as exc:
        con.close()
        where = public_catalog(location.catalog) if location.postgres is not None else str(location.folder)
        raise WarehouseError(public_catalog(f"cannot open warehouse {where}: {str(exc).splitlines()[0]}")) from exc
    con.execute(f"USE {CATALOG}")
    return con


def public_catalog(catalog: str) -> str:
    """A catalog string fit for messages and logs: a password in the connection string is masked."""
    return re.sub(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", r"\1***", catalog)


def _catalog_path(con: duckdb.DuckDBPyConnection) -> str:
    """What the attached catalog is: `postgres:<conninfo>` or `sqlite:<file>`."""
    row = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = ?", [CATALOG]).fetchone()
    return str(row[0]) if row else ""


def _folder(catalog: str) -> Path:
    """The warehouse folder of a SQLite catalog (its locks live beside it)."""
    return Path(catalog.removeprefix("sqlite:")).parent


def object_store_secret(con: duckdb.DuckDBPyConnection) -> None:
    """An S3 secret from the usual AWS_* variables, unless the user keeps DuckDB secrets of their own."""
    key = os.environ.get("AWS_ACCESS_KEY_ID")
    if not key:
        return  # persistent DuckDB secrets (CREATE PERSISTENT SECRET) are found by DuckDB itself
    fields = {"KEY_ID": key, "SECRET": os.environ.get("AWS_SECRET_ACCESS_KEY", ""),
              "REGION": os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"}
    if os.environ.get("AWS_SESSION_TOKEN"):
        fields["SESSION_TOKEN"] = os.environ["AWS_SESSION_TOKEN"]
    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL")
    if endpoint:  # an S3-compatible store (MinIO, Ceph, a cloud's own): host[:port], path-style URLs
        parts = urlsplit(endpoint if "://" in endpoint else f"https://{endpoint}")
        fields.update(ENDPOINT=parts.netloc, URL_STYLE="path", USE_SSL="true" if parts.scheme == "https" else "false")
    body = ", ".join(f"{k} {sql_string(v)}" for k, v in fields.items())
    con.execute(f"CREATE OR REPLACE SECRET zwgk_object_store (TYPE s3, {body})")


_SQLITE_WAL_HEADER = b"\x02\x02"  # bytes 18-19 of a SQLite database file: read and write versions 2 = WAL


def _wal_catalog(path: Path) -> None:
    """WAL journal on the catalog: an analyst's open read session must not block a scheduled load.

    Python's sqlite3 opens the catalog only while it is not in WAL mode yet (a new warehouse): it is another copy
    of SQLite than DuckDB's, and closing it drops the POSIX locks DuckDB's copy holds on the same file in this
    process (SQLite's "multiple copies" hazard: two runs in one process failed with "disk I/O error")."""
    try:
        with open(path, "rb") as catalog:
            if catalog.read(20)[18:20] == _SQLITE_WAL_HEADER:
                return
    except FileNotFoundError:
        pass
    try:
        with closing(sqlite3.connect(path, timeout=30)) as db:
            db.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise WarehouseError(f"cannot open warehouse catalog {path}: {exc}") from exc


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [CATALOG]).fetchall()}
    if "zwgk_meta" in tables:
        row = con.execute("SELECT value FROM zwgk_meta WHERE key = 'schema_version'").fetchone()
        if row and row[0] == SCHEMA_VERSION:
            return
        if row and row[0] in ("2", "3", "4"):  # tables are added (IF NOT EXISTS), views and macros replaced,
            _create(con, ("schema", "views", "macros"), rebuild_indicators=True)  # indicator_rows rebuilt (5)
            return
        if row:
            raise WarehouseError(f"warehouse schema {row[0]} was written by an older zwgk (this one writes "
                                 f"{SCHEMA_VERSION}); crawl into a new --warehouse folder")
    _create(con, ("schema", "views", "macros"))


def _create(con: duckdb.DuckDBPyConnection, folders: tuple[str, ...], rebuild_indicators: bool = False) -> None:
    """The schema's objects in one transaction; `rebuild_indicators` also rebuilds a schema-2/3/4 indicator_rows."""
    periods = _stored_periods(con) if rebuild_indicators else None
    con.execute("BEGIN")
    if periods is not None:
        con.register("upgrade_periods", periods.to_arrow())
        con.execute("ALTER TABLE indicator_rows RENAME TO indicator_rows_schema4")
    for folder in folders:
        for path in sql_files(folder):
            con.execute(path.read_text(encoding="utf-8"))
        if folder == "schema" and periods is not None:
            con.execute((SQL_DIR / "upgrades" / "5_indicator_rows.sql").read_text(encoding="utf-8"))
            con.unregister("upgrade_periods")
    con.execute(f"CALL {CATALOG}.set_option('parquet_compression', 'zstd')")
    con.execute("DELETE FROM zwgk_meta WHERE key = 'schema_version'")
    con.execute("INSERT INTO zwgk_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    con.execute("COMMIT")


def _stored_periods(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """period_norm and period_raw of every stored indicator row, for the schema-5 rebuild: the period parser
    (transforms/period.py) run over each row with its own document version's title, date and headings.

    DuckLake cannot change DOUBLE to DECIMAL in place (only widening promotions), so the table is rebuilt, and the
    new period columns are filled in the same pass. The indicator rows are held in memory (short rows); the bodies
    stream past once."""
    pending: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
    for row in con.execute("SELECT doc_id, version, parser_version, seq, kind, quote, raw, period "
                           "FROM indicator_rows").fetchall():
        pending.setdefault((row[0], row[1]), []).append(row)
    out: list[tuple[Any, ...]] = []
    reader = con.execute(
        "SELECT doc_id, version, title, coalesce(published_at, CAST(written_date AS VARCHAR)) AS published, body "
        "FROM version_rows WHERE (doc_id, version) IN (SELECT doc_id, version FROM indicator_rows)"
    ).to_arrow_reader(500)
    for batch in reader:
        for doc_id, version, title, published, body in zip(*(batch.column(i).to_pylist() for i in range(5)),
                                                          strict=True):
            rows = pending.pop((doc_id, version), [])
            chains = heading_chains(body or "", title)
            for _d, _v, parser, seq, kind, quote, raw, period in rows:
                found = resolve_period(kind=kind or "actual", quote=quote or "", raw=raw or "", extracted=period,
                                       headings=headings_above(body or "", quote or "", chains), title=title,
                                       published=published)
                out.append((doc_id, version, parser, seq, found.period, found.raw))
    for rows in pending.values():  # no stored version (a check forbids it): the extractor's period alone
        for doc_id, version, parser, seq, kind, quote, raw, period in rows:
            found = resolve_period(kind=kind or "actual", quote=quote or "", raw=raw or "", extracted=period)
            out.append((doc_id, version, parser, seq, found.period, found.raw))
    return pl.DataFrame(out, schema={"doc_id": pl.Utf8, "version": pl.Int32, "parser_version": pl.Utf8,
                                     "seq": pl.Int32, "period_norm": pl.Utf8, "period_raw": pl.Utf8}, orient="row")


def doc_id_for(portal: str, url: str) -> str:
    """Identity of a page: portal + path, so a portal moving host or scheme keeps its documents."""
    parts = urlsplit(url)
    key = f"{portal}\n{parts.path}?{parts.query}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def document_hash(doc: Document) -> str:
    payload = json.dumps({"metadata": {k: doc.metadata.get(k) for k in METADATA_FIELDS}, "body": doc.body},
                         ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class StagedPages:
    """A batch of fetched pages laid out as the warehouse's rows (flows/process.py builds it in a worker process);
    the loader only adds what depends on the warehouse: snapshot ids, versions, which rows are new."""

    fetches: pl.DataFrame  # one row per page fetched: its outcome, the error when it failed
    documents: pl.DataFrame  # one row per page cleaned: doc_id, document hash, metadata, body, outline
    raws: pl.DataFrame  # the raw bytes, zlib-compressed, once per content hash
    indicators: pl.DataFrame  # doc_id + seq + the fields of spec/indicators.md, normalised


@dataclass
class PortalRun:
    """What one portal's listing said in a run: stored beside its counts in `portal_runs`."""

    state: str = "ok"  # ok | incomplete | failed: <why>
    listed: int = 0
    note: str | None = None


@dataclass
class CrawlBatch:
    """Everything one run hands to the loader."""

    kind: str
    started_at: datetime
    portals: list[str]
    pages: Iterable[StagedPages] = field(default_factory=list)  # read once, streams from staging
    listed_urls: dict[str, set[str]] = field(default_factory=dict)  # portal -> URLs listed, for complete portals only
    unchanged: dict[str, int] = field(default_factory=dict)  # portal -> pages answered 304: counted, never rewritten
    portal_runs: dict[str, PortalRun] = field(default_factory=dict)
    pages_listed: int = 0
    notes: list[str] = field(default_factory=list)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # a retried load of the same run is a no-op


@dataclass
class LoadResult:
    snapshot_id: int
    docs_new: int = 0
    docs_changed: int = 0
    docs_unchanged: int = 0
    docs_gone: int = 0
    pages_fetched: int = 0
    pages_unchanged: int = 0
    pages_failed: int = 0
    indicators: int = 0
    per_portal: dict[str, dict[str, int]] = field(default_factory=dict)
    already_loaded: bool = False
    failures: list[tuple[str, str, int | None, str]] = field(default_factory=list)  # portal, url, status, error


def fetch_state(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str | None, str | None]]:
    """doc_id -> (etag, last_modified) of the latest successful fetch of a stored document's page, whatever URL
    it was fetched under (the document is its portal + path: an http -> https move keeps its validators)."""
    stored = {r[0] for r in con.execute("SELECT doc_id FROM documents").fetchall()}
    rows = con.execute(
        """
        SELECT portal, url, etag, last_modified FROM (
            SELECT portal, url, etag, last_modified, snapshot_id,
                   row_number() OVER (PARTITION BY portal, url ORDER BY snapshot_id DESC) AS rn
            FROM fetches WHERE error IS NULL AND (etag IS NOT NULL OR last_modified IS NOT NULL)
              AND snapshot_id IN (SELECT snapshot_id FROM snapshots)
        ) WHERE rn = 1 ORDER BY snapshot_id
        """
    ).fetchall()
    state: dict[str, tuple[str | None, str | None]] = {}
    for portal, url, etag, last_modified in rows:  # later snapshots overwrite earlier ones
        doc_id = doc_id_for(portal, url)
        if doc_id in stored:
            state[doc_id] = (etag, last_modified)
    return state


def _counter(result: LoadResult, portal: str, key: str, n: int = 1) -> None:
    per = result.per_portal.setdefault(portal, {})
    per[key] = per.get(key, 0) + n


def load(con: duckdb.DuckDBPyConnection, batch: CrawlBatch) -> LoadResult:
    """One snapshot: versions, raw pages, fetch outcomes, indicators, checks; visible whole or not at all.

    A crawl load commits in parts (every LOAD_COMMIT_VERSIONS new versions: a recrawl that changed little is one
    commit) under a snapshot id recorded in `load_starts`; the views show only snapshots in `snapshots`, which the
    last transaction writes with the closed versions and the portal runs, after the checks. Loads run at once from
    any number of processes and machines, kept apart by the catalog's own locks (flows/load_locks.py):

    - each portal's lock for the whole load, so a document's versions only ever change under one load;
    - a short allocation lock to take the next snapshot id, max(load_starts, snapshots) + 1, and commit its
      `load_starts` row while holding the load's owner lock "load:<id>" (kept to the last commit): a started load
      whose owner lock is free died, one whose lock is held is running, whatever its age;
    - DuckLake treats a delete and a concurrent insert on one table as a conflict, so the rows of dead loads
      (invisible already) are deleted, and small files merged, only while no other load is running; until then
      they are skipped: a new version numbers past a dead one, and raw pages count only from committed loads.

    Every table stays append-only (no UPDATE). The DuckLake commit of the last part carries the crawl snapshot id
    in its message, which maps each crawl snapshot to the lake version that holds it (`snapshot_versions`).
    """
    try:
        catalog = _catalog_path(con)
        locks = locks_for(catalog, _folder(catalog))
    except LockError as exc:
        raise WarehouseError(public_catalog(f"load not started: {exc}")) from exc
    try:
        with hold_all(locks, locks.portal_locks(batch.portals)):
            result = _load_owned(con, batch, locks)
        if not result.already_loaded:
            _maintain(con, locks, result.snapshot_id)
        return result
    except LockError as exc:
        raise WarehouseError(public_catalog(f"load not started: {exc}")) from exc
    finally:
        locks.close()


def _load_owned(con: duckdb.DuckDBPyConnection, batch: CrawlBatch, locks: LoadLocks) -> LoadResult:
    with ExitStack() as owned:
        with locks.hold("alloc"):
            done = con.execute("SELECT snapshot_id FROM snapshots WHERE run_id = ?", [batch.run_id]).fetchone()
            if done:
                return LoadResult(snapshot_id=int(done[0]), already_loaded=True)
            dead = _dead_loads(con, locks)
            snapshot_id = int(con.execute(  # type: ignore[index]
                "SELECT coalesce(greatest((SELECT max(snapshot_id) FROM snapshots), "
                "(SELECT max(snapshot_id) FROM load_starts)), 0) + 1").fetchone()[0])
            owned.enter_context(locks.hold(f"load:{snapshot_id}"))  # held to the last commit
            with _transaction(con):  # committed before the allocation lock is let go: the next allocator sees it
                con.execute("INSERT INTO load_starts VALUES (?, ?, ?)", [snapshot_id, batch.run_id, datetime.now(UTC)])
        with _transaction(con):
            result = _load(con, batch, snapshot_id, dead)
            if result.docs_new or result.docs_changed or result.docs_gone or result.indicators:
                _run_checks(con)  # they read versions and indicators: a snapshot that wrote none cannot fail them
            con.execute(f"CALL {CATALOG}.set_commit_message('zwgk', ?, extra_info => ?)",
                        [f"{batch.kind} snapshot {snapshot_id}", json.dumps({"snapshot_id": snapshot_id})])
        return result


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """BEGIN ... COMMIT, rolled back on any error (a failed COMMIT has already ended the transaction)."""
    con.execute("BEGIN")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        with suppress(duckdb.Error):
            con.execute("ROLLBACK")
        raise


def _unfinished(con: duckdb.DuckDBPyConnection) -> list[int]:
    return [int(r[0]) for r in con.execute("SELECT DISTINCT snapshot_id FROM load_starts WHERE snapshot_id NOT IN "
                                           "(SELECT snapshot_id FROM snapshots) ORDER BY 1").fetchall()]


def _dead_loads(con: duckdb.DuckDBPyConnection, locks: LoadLocks) -> list[int]:
    """Started loads whose owner died; deleted here if no load is running (called under the allocation lock)."""
    unfinished = _unfinished(con)
    dead = [s for s in unfinished if not locks.is_held(f"load:{s}")]
    if dead and len(dead) == len(unfinished):
        _discard(con, dead)
        return []
    return dead


def _discard(con: duckdb.DuckDBPyConnection, dead: list[int]) -> None:
    """Rows of loads that died before their last commit: invisible already, removed with their load_starts rows."""
    with _transaction(con):
        con.execute("DELETE FROM indicator_rows WHERE (doc_id, version) IN "
                    "(SELECT doc_id, version FROM version_rows WHERE list_contains(?, valid_from))", [dead])
        for table, column in (("version_rows", "valid_from"), ("version_ends", "valid_to"),
                              ("fetches", "snapshot_id"), ("raw_pages", "first_snapshot"),
                              ("portal_runs", "snapshot_id"), ("load_starts", "snapshot_id")):
            con.execute(f"DELETE FROM {table} WHERE list_contains(?, {column})", [dead])


def _maintain(con: duckdb.DuckDBPyConnection, locks: LoadLocks, snapshot_id: int) -> None:
    """Flush inlined rows and merge small files, only while no other load runs (it rewrites what they append to).

    Every COMPACT_EVERY-th snapshot only: a flush after every load cost an unchanged recrawl of 2,000 pages 0.09-0.14 s
    of its ~1.8 (measured), and the few rows of loads in between wait inlined in the catalog, where DuckLake reads
    them like any other. A load that dies skips its round; dead loads are also cleared by the next allocation."""
    if snapshot_id % COMPACT_EVERY:
        return
    try:
        with locks.hold("alloc", timeout=settings.MAINTENANCE_WAIT_S):
            _dead_loads(con, locks)
            if _unfinished(con):
                return  # a load is running: the next load that finds itself alone does it
            flush_inlined(con)
            compact(con)
    except LockTimeout:
        return  # maintenance only: the data is correct without it


def compact(con: duckdb.DuckDBPyConnection) -> None:
    """Merge the small Parquet files of past snapshots (time travel is kept) and drop the merged originals,
    so reads, and with them loads, do not slow down as history grows."""
    with suppress(duckdb.Error):  # maintenance: a failure leaves more, smaller files, still correct
        con.execute(f"CALL ducklake_merge_adjacent_files('{CATALOG}')")
        con.execute(f"CALL ducklake_cleanup_old_files('{CATALOG}', cleanup_all => true)")


def flush_inlined(con: duckdb.DuckDBPyConnection) -> None:
    """Small commits are inlined in the catalog; move them to Parquet so the catalog stays small."""
    with suppress(duckdb.Error):  # an optimisation: a failure leaves the data inlined, still correct
        con.execute(f"CALL ducklake_flush_inlined_data('{CATALOG}')")


class _Table:
    """Frames for one table, inserted in chunks inside the load's transaction so memory stays flat."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.con, self.table = con, table
        self.frames: list[pl.DataFrame] = []
        self.pending = 0

    @property
    def columns(self) -> list[str]:
        return _columns(self.con, self.table)  # looked up when rows come: a load that writes none asks nothing

    def add(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self.frames.append(frame.select(self.columns))
            self.pending += frame.height
        if self.pending >= LOAD_CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if self.frames:
            _insert_frame(self.con, self.table, pl.concat(self.frames, how="vertical_relaxed"), self.columns)
        self.frames, self.pending = [], 0


def _insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame, columns: list[str]) -> None:
    name = f"staged_{table}"
    con.register(name, frame.to_arrow())
    try:
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {name}")
    finally:
        con.unregister(name)


def _merged(batches: Iterable[StagedPages], documents: int) -> Iterator[StagedPages]:
    """Staged batches joined into chunks of about `documents` documents: the loader's polars work per chunk has a
    fixed cost (a 2,000-page load spent 0.4 s in 2,300 small collects), so it is paid per chunk, not per batch."""
    held: list[StagedPages] = []
    count = 0
    for batch in batches:
        held.append(batch)
        count += batch.documents.height
        if count >= documents:
            yield _concat(held)
            held, count = [], 0
    if held:
        yield _concat(held)


def _concat(batches: list[StagedPages]) -> StagedPages:
    if len(batches) == 1:
        return batches[0]
    return StagedPages(*(pl.concat([getattr(b, name) for b in batches], how="vertical_relaxed")
                         for name in ("fetches", "documents", "raws", "indicators")))


def _count_fetches(result: LoadResult, fetches: pl.DataFrame, stored: set[str]) -> None:
    """Per portal: fetched (stored as a document), failed (with the reasons), not modified."""
    for portal, url, status, error, not_modified in fetches.select(
            "portal", "url", "status", "error", "not_modified").iter_rows():
        if not_modified:
            result.pages_unchanged += 1
            result.docs_unchanged += 1
            _counter(result, portal, "unchanged")
        elif error is not None or url not in stored:
            result.pages_failed += 1
            _counter(result, portal, "failed")
            result.failures.append((portal, url, status, error or "unknown"))
        else:
            result.pages_fetched += 1
            _counter(result, portal, "fetched")


def _load(con: duckdb.DuckDBPyConnection, batch: CrawlBatch, snapshot_id: int, dead: list[int]) -> LoadResult:
    """Writes the snapshot's rows, committing a part every LOAD_COMMIT_VERSIONS new versions (crawls only: a reprocess
    adds indicator rows to versions that are already visible, so it stays one transaction), and leaves the last
    transaction open with the snapshot row written."""
    result = LoadResult(snapshot_id=snapshot_id)
    # what staged pages are compared with, read when the first of them comes: an unchanged recrawl stages none and
    # skips both reads (0.03-0.1 s of its ~1.8, measured)
    current: dict[str, tuple[int, str]] | None = None
    known_raw: set[str] = set()
    # numbers taken by loads that died and are not deleted yet (another load was running): never given out again
    taken = dict(con.execute("SELECT doc_id, max(version) FROM version_rows WHERE list_contains(?, valid_from) "
                             "GROUP BY doc_id", [dead]).fetchall()) if dead else {}
    tables = {name: _Table(con, name) for name in ("fetches", "raw_pages", "version_rows", "indicator_rows")}
    close_ids: list[str] = []
    reparse = batch.kind == "reprocess"
    parsed_now = {(r[0], r[1]) for r in con.execute(
        "SELECT DISTINCT doc_id, version FROM indicator_rows WHERE parser_version = ?", [PARSER_VERSION]).fetchall()
    } if reparse else set()
    written = 0  # new versions since the last part: what a transaction holds in memory (fetch rows are small)
    for staged in _merged(batch.pages, min(LOAD_MERGE_DOCUMENTS, LOAD_COMMIT_VERSIONS)):
        if current is None:
            current = {row[0]: (row[1], row[2])
                       for row in con.execute("SELECT doc_id, version, content_sha256 FROM documents").fetchall()}
            known_raw = {r[0] for r in con.execute(  # of committed loads only: a running or dead load's may never be
                "SELECT content_sha256 FROM raw_pages WHERE first_snapshot IN (SELECT snapshot_id FROM snapshots)"
            ).fetchall()}
        if not reparse and written >= LOAD_COMMIT_VERSIONS:
            for table in tables.values():
                table.flush()
            con.execute("COMMIT")
            con.execute("BEGIN")
            written = 0
        if not reparse:
            tables["fetches"].add(staged.fetches.with_columns(snapshot_id=pl.lit(snapshot_id, dtype=pl.Int64)))
            _count_fetches(result, staged.fetches, set(staged.documents["url"].to_list()))
        versions: dict[str, int] = {}  # doc_id -> the version its indicators belong to, in this batch
        fresh: list[str] = []  # doc_ids that get a new version
        for doc_id, portal, content_hash in staged.documents.select("doc_id", "portal", "content_sha256").iter_rows():
            previous = current.get(doc_id)
            if previous and previous[1] == content_hash:
                result.docs_unchanged += 1
                _counter(result, portal, "unchanged")
                if reparse and (doc_id, previous[0]) not in parsed_now:
                    versions[doc_id] = previous[0]  # new parser, same text: indicators re-derived
                    parsed_now.add((doc_id, previous[0]))
                continue
            version = max(0 if previous is None else previous[0], taken.get(doc_id, 0)) + 1
            if previous is None:
                result.docs_new += 1
                _counter(result, portal, "new")
            else:
                result.docs_changed += 1
                close_ids.append(doc_id)
                _counter(result, portal, "changed")
            current[doc_id] = (version, content_hash)
            versions[doc_id] = version
            fresh.append(doc_id)
        if fresh:
            rows = staged.documents.filter(pl.col("doc_id").is_in(fresh)).unique("doc_id", keep="last")
            tables["version_rows"].add(rows.with_columns(
                version=pl.col("doc_id").replace_strict(versions, return_dtype=pl.Int32),
                valid_from=pl.lit(snapshot_id, dtype=pl.Int64)))
            written += rows.height
        raws = staged.raws.filter(~pl.col("content_sha256").is_in(list(known_raw)))
        if raws.height:
            known_raw.update(raws["content_sha256"].to_list())
            tables["raw_pages"].add(raws.with_columns(first_snapshot=pl.lit(snapshot_id, dtype=pl.Int64)))
        indicators = staged.indicators.filter(pl.col("doc_id").is_in(list(versions)))
        if indicators.height:
            indicators = indicators.with_columns(
                version=pl.col("doc_id").replace_strict(versions, return_dtype=pl.Int32))
            tables["indicator_rows"].add(indicators)
            result.indicators += indicators.height
            for portal, n in indicators.join(staged.documents.select("doc_id", "portal").unique("doc_id"), on="doc_id") \
                    .group_by("portal").len().iter_rows():
                _counter(result, portal, "indicators", n)
    for portal, n in batch.unchanged.items():  # 304s: counted, and nothing is written for them
        result.pages_unchanged += n
        result.docs_unchanged += n
        _counter(result, portal, "unchanged", n)
    # pages that left a fully listed portal are closed, never deleted
    gone: list[str] = []
    listed = {portal: {doc_id_for(portal, u) for u in urls} for portal, urls in batch.listed_urls.items()}
    # one query for every portal: one per portal cost 4.3 s at the end of a 200-portal crawl, this one 0.04 s
    for portal, doc_id in con.execute("SELECT portal, doc_id FROM documents WHERE list_contains(?, portal)",
                                      [list(listed)]).fetchall() if listed else []:
        if doc_id not in listed[portal]:
            gone.append(doc_id)
            _counter(result, portal, "gone")
    result.docs_gone = len(gone)
    if close_ids or gone:  # only rows current before this snapshot: its own new versions may be written already
        con.execute("INSERT INTO version_ends SELECT doc_id, version, ? FROM documents WHERE valid_from < ? "
                    "AND list_contains(?, doc_id)", [snapshot_id, snapshot_id, close_ids + gone])
    for table in tables.values():
        table.flush()
    for portal, run in batch.portal_runs.items():
        per = result.per_portal.get(portal, {})
        con.execute("INSERT INTO portal_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [snapshot_id, portal, run.state, run.listed, per.get("fetched", 0), per.get("unchanged", 0),
                     per.get("failed", 0), per.get("new", 0), per.get("changed", 0), per.get("gone", 0),
                     per.get("indicators", 0), run.note])
    con.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, 'committed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [snapshot_id, batch.kind, batch.started_at, datetime.now(UTC), ",".join(batch.portals), batch.pages_listed,
         result.pages_fetched, result.pages_unchanged, result.pages_failed, result.docs_new, result.docs_changed,
         result.docs_unchanged, result.docs_gone, result.indicators, PARSER_VERSION, "; ".join(batch.notes) or None,
         batch.run_id],
    )
    return result


_COLUMNS: dict[str, list[str]] = {}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Column names of a warehouse table in DDL order (the DDL in sql/schema is the single source; cached)."""
    if table not in _COLUMNS:
        _COLUMNS[table] = _lookup_columns(con, table)
    return _COLUMNS[table]


def _lookup_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND table_name = ? ORDER BY column_index",
        [CATALOG, table]).fetchall()]


def _run_checks(con: duckdb.DuckDBPyConnection) -> None:
    failures = []
    for path in sql_files("checks"):
        rows = con.execute(path.read_text(encoding="utf-8")).fetchall()
        if rows:
            failures.append(f"{path.stem}: {len(rows)} rows, first {rows[0]}")
    if failures:
        raise WarehouseError("data checks failed, load rolled back: " + "; ".join(failures))
