"""The DuckLake warehouse: a SQLite catalog and Parquet files in one folder, versioned per crawl."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
import zlib
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import duckdb
import duckdb_extensions
import polars as pl

from flows.locks import file_lock
from transforms import PARSER_VERSION
from transforms.models import METADATA_FIELDS, Document, RawPage
from zwgk.settings import SQL_DIR

SCHEMA_VERSION = "3"  # 3: loads commit in parts (load_starts), views show snapshots only once written
CATALOG = "zwgk"
LOAD_CHUNK_ROWS = 2000  # rows per insert inside a load: bounded memory, few Parquet files
# A crawl load commits every LOAD_COMMIT_VERSIONS new versions: a transaction keeps its inserted rows in memory
# until it commits, so one transaction for a 10,000-page first crawl grew to 750 MB. The parts stay invisible (the views
# show only snapshots in `snapshots`) until the last transaction writes the snapshot row.
LOAD_COMMIT_VERSIONS = 1000
COMPACT_EVERY = 10  # snapshots between merges of small Parquet files


class WarehouseError(RuntimeError):
    """The warehouse cannot be opened or a load failed its checks (nothing was committed)."""


def sql_string(text: str | Path) -> str:
    """A SQL string literal, for the places DuckDB takes no parameter (ATTACH, COPY ... TO)."""
    return "'" + str(text).replace("'", "''") + "'"


def sql_files(folder: str) -> list[Path]:
    return sorted((SQL_DIR / folder).glob("*.sql"))


def attach_statement(folder: Path, read_only: bool = False) -> str:
    """The ATTACH a user types into the plain DuckDB client, with paths resolved from the warehouse folder."""
    options = f"DATA_PATH {sql_string(folder / 'data')}, OVERRIDE_DATA_PATH true"
    if read_only:
        options += ", READ_ONLY"
    catalog = sql_string(f"ducklake:sqlite:{folder / 'catalog.sqlite'}")
    return f"ATTACH {catalog} AS {CATALOG} ({options})"


def connect(folder: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    folder = folder.resolve()
    if read_only and not (folder / "catalog.sqlite").exists():
        raise WarehouseError(f"no warehouse at {folder}: run `zwgk crawl` or `zwgk demo` first, or pass --warehouse DIR")
    if read_only:
        return _open(folder, read_only)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    with file_lock(folder / ".open.lock"):  # two first runs must not create the catalog at once
        _wal_catalog(folder / "catalog.sqlite")
        return _open(folder, read_only)


def _open(folder: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    for extension in ("sqlite", "ducklake", "icu"):
        duckdb_extensions.import_extension(extension, con=con)
    try:
        con.execute(attach_statement(folder, read_only))
    except duckdb.Error as exc:
        con.close()
        raise WarehouseError(f"cannot open warehouse {folder}: {exc}") from exc
    con.execute(f"USE {CATALOG}")
    if not read_only:
        try:
            _ensure_schema(con)
        except BaseException:
            con.close()
            raise
    return con


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
        if row and row[0] == "2":  # one more table; the views learnt to hide loads still in progress
            _create(con, ("schema", "views", "macros"))
            return
        if row:
            raise WarehouseError(f"warehouse schema {row[0]} was written by an older zwgk (this one writes "
                                 f"{SCHEMA_VERSION}); crawl into a new --warehouse folder")
    _create(con, ("schema", "views", "macros"))


def _create(con: duckdb.DuckDBPyConnection, folders: tuple[str, ...]) -> None:
    con.execute("BEGIN")
    for folder in folders:
        for path in sql_files(folder):
            con.execute(path.read_text(encoding="utf-8"))
    con.execute(f"CALL {CATALOG}.set_option('parquet_compression', 'zstd')")
    con.execute("DELETE FROM zwgk_meta WHERE key = 'schema_version'")
    con.execute("INSERT INTO zwgk_meta VALUES ('schema_version', ?)", [SCHEMA_VERSION])
    con.execute("COMMIT")


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
class ProcessedPage:
    """A fetched page after cleaning and extraction, ready to load."""

    page: RawPage
    raw_sha256: str | None = None
    document: Document | None = None
    indicators: pl.DataFrame | None = None
    error: str | None = None


@dataclass
class CrawlBatch:
    """Everything one run hands to the loader."""

    kind: str
    started_at: datetime
    portals: list[str]
    pages: Iterable[ProcessedPage] = field(default_factory=list)  # read once, may stream from staging
    listed_urls: dict[str, set[str]] = field(default_factory=dict)  # portal -> URLs listed, for complete portals only
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
    commit) under a snapshot id recorded in `load_starts`;
    the views show only snapshots in `snapshots`, which the last transaction writes after closing replaced
    versions, then runs the checks and commits. A load that dies leaves only invisible parts, which the next load
    discards first. Loads of one warehouse take a file lock, so an unfinished load found under the lock is always
    a dead one. Every table stays append-only (no UPDATE: rewritten rows would pile up small files). The DuckLake
    commit of the last part carries the crawl snapshot id in its message, which maps each crawl snapshot to the
    lake version that holds it (`snapshot_versions`, `AT (VERSION => v)`).
    """
    with _load_lock(con):
        con.execute("BEGIN")
        try:
            done = con.execute("SELECT snapshot_id FROM snapshots WHERE run_id = ?", [batch.run_id]).fetchone()
            if done:
                con.execute("ROLLBACK")
                return LoadResult(snapshot_id=int(done[0]), already_loaded=True)
            _discard_unfinished(con)
            snapshot_id = int(con.execute("SELECT coalesce(max(snapshot_id), 0) + 1 FROM snapshots").fetchone()[0])  # type: ignore[index]
            # committed with the first part: a load of fewer new versions is still a single commit
            con.execute("INSERT INTO load_starts VALUES (?, ?, ?)", [snapshot_id, batch.run_id, datetime.now(UTC)])
            result = _load(con, batch, snapshot_id)
            _run_checks(con)
            con.execute(f"CALL {CATALOG}.set_commit_message('zwgk', ?, extra_info => ?)",
                        [f"{batch.kind} snapshot {snapshot_id}", json.dumps({"snapshot_id": snapshot_id})])
            con.execute("COMMIT")
        except BaseException:
            with suppress(duckdb.Error):  # a failed COMMIT has already ended the transaction
                con.execute("ROLLBACK")
            raise
    flush_inlined(con)
    if result.snapshot_id % COMPACT_EVERY == 0:
        compact(con)
    return result


@contextmanager
def _load_lock(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """One load at a time per warehouse, across processes; the kernel releases it when a loader dies."""
    data_path = con.execute("SELECT value FROM ducklake_options(?) WHERE option_name = 'data_path'",
                            [CATALOG]).fetchone()
    folder = Path(str(data_path[0])).parent if data_path else Path(".")
    with file_lock(folder / ".load.lock"):
        yield


def _discard_unfinished(con: duckdb.DuckDBPyConnection) -> None:
    """Rows of loads that died before their last commit: invisible already, removed so their ids can be reused."""
    dead = [r[0] for r in con.execute("SELECT DISTINCT snapshot_id FROM load_starts "
                                      "WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshots)").fetchall()]
    if not dead:
        return
    con.execute("DELETE FROM indicator_rows WHERE (doc_id, version) IN "
                "(SELECT doc_id, version FROM version_rows WHERE list_contains(?, valid_from))", [dead])
    for table, column in (("version_rows", "valid_from"), ("version_ends", "valid_to"), ("fetches", "snapshot_id"),
                          ("raw_pages", "first_snapshot")):
        con.execute(f"DELETE FROM {table} WHERE list_contains(?, {column})", [dead])


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


class _Rows:
    """Rows for one table, written in chunks inside the load's transaction so memory stays flat."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.con, self.table = con, table
        self.rows: list[dict[str, Any]] = []
        self.columns = _columns(con, table)

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= LOAD_CHUNK_ROWS:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        frame = pl.DataFrame([[row.get(c) for c in self.columns] for row in self.rows], schema=self.columns,
                             orient="row", infer_schema_length=None)
        _insert_frame(self.con, self.table, frame, self.columns)
        self.rows = []


class _Frames:
    """Indicator frames for one table, inserted in chunks like `_Rows`; the pending row count is kept, not summed."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.con, self.table = con, table
        self.frames: list[pl.DataFrame] = []
        self.pending = 0
        self.columns = _columns(con, table)

    def add(self, frame: pl.DataFrame) -> None:
        self.frames.append(frame)
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


def _load(con: duckdb.DuckDBPyConnection, batch: CrawlBatch, snapshot_id: int) -> LoadResult:
    """Writes the snapshot's rows, committing a part every LOAD_COMMIT_VERSIONS new versions (crawls only: a reprocess
    adds indicator rows to versions that are already visible, so it stays one transaction), and leaves the last
    transaction open with the snapshot row written."""
    result = LoadResult(snapshot_id=snapshot_id)
    current = {
        row[0]: (row[1], row[2])
        for row in con.execute("SELECT doc_id, version, content_sha256 FROM documents").fetchall()
    }
    known_raw = {r[0] for r in con.execute("SELECT content_sha256 FROM raw_pages").fetchall()}
    fetches, raws, versions = _Rows(con, "fetches"), _Rows(con, "raw_pages"), _Rows(con, "version_rows")
    indicators = _Frames(con, "indicator_rows")
    buffers = (fetches, raws, versions, indicators)
    close_ids: list[str] = []
    reparse = batch.kind == "reprocess"
    parsed_now = {(r[0], r[1]) for r in con.execute(
        "SELECT DISTINCT doc_id, version FROM indicator_rows WHERE parser_version = ?", [PARSER_VERSION]).fetchall()
    } if reparse else set()
    written = 0  # new versions since the last part: what a transaction holds in memory (fetch rows are small)
    for item in batch.pages:
        if not reparse and written >= LOAD_COMMIT_VERSIONS:
            for buffer in buffers:
                buffer.flush()
            con.execute("COMMIT")
            con.execute("BEGIN")
            written = 0
        page = item.page
        if not reparse:
            fetches.add({
                "snapshot_id": snapshot_id, "portal": page.portal, "url": page.url, "status": page.status,
                "error": page.error or item.error, "attempts": page.attempts, "content_sha256": item.raw_sha256,
                "etag": page.etag, "last_modified": page.last_modified, "not_modified": page.not_modified,
                "fetched_at": page.fetched_at,
            })
        if page.not_modified:
            result.pages_unchanged += 1
            result.docs_unchanged += 1
            _counter(result, page.portal, "unchanged")
            continue
        if not page.ok or item.document is None:
            result.pages_failed += 1
            _counter(result, page.portal, "failed")
            result.failures.append((page.portal, page.url, page.status, page.error or item.error or "unknown"))
            continue
        result.pages_fetched += 1
        _counter(result, page.portal, "fetched")
        if item.raw_sha256 and item.raw_sha256 not in known_raw:
            known_raw.add(item.raw_sha256)
            raws.add({
                "content_sha256": item.raw_sha256, "first_url": page.url, "content_type": page.content_type,
                "size_bytes": len(page.content), "body_zlib": zlib.compress(page.content, 6), "first_snapshot": snapshot_id,
            })
        doc_id = doc_id_for(page.portal, page.url)
        content_hash = document_hash(item.document)
        previous = current.get(doc_id)
        if previous and previous[1] == content_hash:
            result.docs_unchanged += 1
            _counter(result, page.portal, "unchanged")
            if reparse and (doc_id, previous[0]) not in parsed_now and item.indicators is not None:
                indicators.add(_indicator_frame(item.indicators, doc_id, previous[0]))  # new parser, same text
                result.indicators += item.indicators.height
            continue
        version = 1 if previous is None else previous[0] + 1
        if previous is None:
            result.docs_new += 1
            _counter(result, page.portal, "new")
        else:
            result.docs_changed += 1
            close_ids.append(doc_id)
            _counter(result, page.portal, "changed")
        current[doc_id] = (version, content_hash)
        versions.add(_version_row(item, doc_id, version, content_hash, snapshot_id))
        written += 1
        if item.indicators is not None and item.indicators.height:
            indicators.add(_indicator_frame(item.indicators, doc_id, version))
            result.indicators += item.indicators.height
            _counter(result, page.portal, "indicators", item.indicators.height)
    # pages that left a fully listed portal are closed, never deleted
    gone: list[str] = []
    for portal, urls in batch.listed_urls.items():
        listed = {doc_id_for(portal, u) for u in urls}
        for doc_id, _url in con.execute("SELECT doc_id, url FROM documents WHERE portal = ?", [portal]).fetchall():
            if doc_id not in listed:
                gone.append(doc_id)
                _counter(result, portal, "gone")
    result.docs_gone = len(gone)
    if close_ids or gone:  # only rows current before this snapshot: its own new versions may be written already
        con.execute("INSERT INTO version_ends SELECT doc_id, version, ? FROM documents WHERE valid_from < ? "
                    "AND list_contains(?, doc_id)", [snapshot_id, snapshot_id, close_ids + gone])
    for buffer in buffers:
        buffer.flush()
    con.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, 'committed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [snapshot_id, batch.kind, batch.started_at, datetime.now(UTC), ",".join(batch.portals), batch.pages_listed,
         result.pages_fetched, result.pages_unchanged, result.pages_failed, result.docs_new, result.docs_changed,
         result.docs_unchanged, result.docs_gone, result.indicators, PARSER_VERSION, "; ".join(batch.notes) or None,
         batch.run_id],
    )
    return result


def _indicator_frame(indicators: pl.DataFrame, doc_id: str, version: int) -> pl.DataFrame:
    return indicators.with_columns(
        doc_id=pl.lit(doc_id), version=pl.lit(version, dtype=pl.Int32), parser_version=pl.lit(PARSER_VERSION),
        seq=pl.int_range(0, indicators.height, dtype=pl.Int32),
    )


def _version_row(item: ProcessedPage, doc_id: str, version: int, content_hash: str, snapshot_id: int) -> dict[str, Any]:
    assert item.document is not None
    meta = item.document.metadata
    row = {k: meta.get(k) for k in METADATA_FIELDS}
    row.update({
        "doc_id": doc_id, "version": version, "url": item.page.url, "portal": item.page.portal,
        "content_sha256": content_hash, "raw_sha256": item.raw_sha256, "valid_from": snapshot_id, "valid_to": None,
        "outline": json.dumps([s.to_dict() for s in item.document.outline], ensure_ascii=False),
        "body": item.document.body, "clean_method": item.document.method, "parser_version": PARSER_VERSION,
        "fetched_at": item.page.fetched_at,
    })
    return row


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
