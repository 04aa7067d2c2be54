"""The DuckLake warehouse: a SQLite catalog and Parquet files in one folder, versioned per crawl."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import duckdb_extensions
import polars as pl

from flows.locks import file_lock
from transforms import PARSER_VERSION
from transforms.models import METADATA_FIELDS, Document
from zwgk.settings import SQL_DIR

SCHEMA_VERSION = "4"  # 3: loads commit in parts (load_starts); 4: portal_runs and the portal_health view
CATALOG = "zwgk"
LOAD_CHUNK_ROWS = 2000  # rows per insert inside a load: bounded memory, few Parquet files
# A crawl load commits every LOAD_COMMIT_VERSIONS new versions: a transaction keeps its inserted rows in memory
# until it commits, so one transaction for a 10,000-page first crawl grew to 750 MB. The parts stay invisible (the views
# show only snapshots in `snapshots`) until the last transaction writes the snapshot row.
LOAD_COMMIT_VERSIONS = 1000
COMPACT_EVERY = 10  # snapshots between merges of small Parquet files
LOAD_MERGE_DOCUMENTS = 500  # staged batches are loaded in chunks of about this many documents


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
        if row and row[0] in ("2", "3"):  # tables are only added (IF NOT EXISTS), views and macros replaced
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
            if result.docs_new or result.docs_changed or result.docs_gone or result.indicators:
                _run_checks(con)  # they read versions and indicators: a snapshot that wrote none cannot fail them
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


class _Table:
    """Frames for one table, inserted in chunks inside the load's transaction so memory stays flat."""

    def __init__(self, con: duckdb.DuckDBPyConnection, table: str) -> None:
        self.con, self.table = con, table
        self.frames: list[pl.DataFrame] = []
        self.pending = 0
        self.columns = _columns(con, table)

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
    tables = {name: _Table(con, name) for name in ("fetches", "raw_pages", "version_rows", "indicator_rows")}
    close_ids: list[str] = []
    reparse = batch.kind == "reprocess"
    parsed_now = {(r[0], r[1]) for r in con.execute(
        "SELECT DISTINCT doc_id, version FROM indicator_rows WHERE parser_version = ?", [PARSER_VERSION]).fetchall()
    } if reparse else set()
    written = 0  # new versions since the last part: what a transaction holds in memory (fetch rows are small)
    for staged in _merged(batch.pages, min(LOAD_MERGE_DOCUMENTS, LOAD_COMMIT_VERSIONS)):
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
            version = 1 if previous is None else previous[0] + 1
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
