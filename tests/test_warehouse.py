"""Versioned snapshots: edits, deletions and additions, time travel both ways, reprocessing, idempotence, SIGKILL."""

from __future__ import annotations

import pickle
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

import flows.process
import flows.warehouse
from flows.process import stage_pages
from flows.warehouse import CrawlBatch, connect, fetch_state, load
from mirror.server import JCMS_COLUMN, Article, Mirror
from mirror.synthetic import report
from transforms.models import RawPage
from zwgk import settings

from .conftest import run_at_once

pytestmark = pytest.mark.slow


def _crawl(mirror: Mirror, warehouse: Path):
    from flows.crawl import crawl

    return crawl(portals=list(settings.parse_portals(mirror.config_toml())), warehouse=str(warehouse))


def test_edit_delete_add_then_time_travel(prefect_harness, tmp_path: Path) -> None:
    wh = tmp_path / "wh"
    with Mirror() as mirror:
        first = _crawl(mirror, wh)
        assert first.docs_new == 5
        jcms = [a for a in mirror.articles if a.host == "jcms"]
        edited, deleted = jcms[0], jcms[1]
        mirror.edit(edited.path, "一、上半年工作总结\n全年完成规上工业总产值100亿元,同比增长5%。")
        mirror.remove(deleted.path)
        added = Article("synthetic:9:1", "jcms", f"/art/2024/9/9/art_{JCMS_COLUMN}_6000009.html", "2024-09-09",
                        "trs", title=report(9, 1).metadata["title"])
        mirror.add(added)
        second = _crawl(mirror, wh)
        base = mirror.base_url("jcms")

    def url(_host: str, path: str) -> str:
        return base + path

    assert (second.docs_new, second.docs_changed, second.docs_gone) == (1, 1, 1)

    con = connect(wh, read_only=True)
    changes = {(c, u) for c, u in con.execute("SELECT change, url FROM document_changes WHERE snapshot_id = 2").fetchall()}
    assert changes == {("changed", url("jcms", edited.path)), ("gone", url("jcms", deleted.path)),
                       ("new", url("jcms", added.path))}
    as_of_1 = {r[0] for r in con.execute("SELECT url FROM documents_as_of(1)").fetchall()}
    as_of_2 = {r[0] for r in con.execute("SELECT url FROM documents_as_of(2)").fetchall()}
    assert url("jcms", deleted.path) in as_of_1 and url("jcms", deleted.path) not in as_of_2
    assert url("jcms", added.path) in as_of_2 and url("jcms", added.path) not in as_of_1
    assert len(as_of_1) == len(as_of_2) == 5
    assert {r[0] for r in con.execute("SELECT url FROM documents").fetchall()} == as_of_2
    body_1 = con.execute("SELECT body FROM documents_as_of(1) WHERE url = ?", [url("jcms", edited.path)]).fetchone()[0]
    body_2 = con.execute("SELECT body FROM documents_as_of(2) WHERE url = ?", [url("jcms", edited.path)]).fetchone()[0]
    assert "100亿元" in body_2 and "100亿元" not in body_1
    # the gone page is closed, never deleted: both its version and its indicators stay queryable
    assert con.execute("SELECT valid_to FROM document_versions WHERE url = ?", [url("jcms", deleted.path)]).fetchone()[0] == 2
    assert con.execute("SELECT count(*) FROM indicators_as_of(1) WHERE url = ?", [url("jcms", deleted.path)]).fetchone()[0] > 0
    # DuckLake time travel: the lake version that committed crawl snapshot 1 holds exactly what documents_as_of(1) says
    versions = dict(con.execute("SELECT snapshot_id, lake_version FROM snapshot_versions").fetchall())
    assert set(versions) == {1, 2} and versions[1] < versions[2]
    at_1 = {r[0] for r in con.execute(
        f"SELECT url FROM document_versions AT (VERSION => {int(versions[1])}) WHERE valid_to IS NULL").fetchall()}
    assert at_1 == as_of_1
    at_2 = {r[0] for r in con.execute(
        f"SELECT url FROM document_versions AT (VERSION => {int(versions[2])}) WHERE valid_to IS NULL").fetchall()}
    assert at_2 == as_of_2
    con.close()


def _batch(pages: list[bytes], run_id: str | None = None) -> CrawlBatch:
    """A crawl's batch with each page staged on its own: a load can be made to die after any page."""
    raw = [RawPage(url=f"http://portal.example/art/2024/1/1/art_1_{i}.html", portal="p", status=200,
                   fetched_at="2024-01-01T00:00:00", content=page, content_type="text/html; charset=utf-8")
           for i, page in enumerate(pages)]
    batch = CrawlBatch(kind="crawl", started_at=datetime.now(UTC), portals=["p"], pages=[stage_pages([r]) for r in raw],
                       listed_urls={"p": {r.url for r in raw}}, pages_listed=len(raw))
    if run_id:
        batch.run_id = run_id
    return batch


def _counts(wh: Path) -> tuple[int, ...]:
    con = connect(wh, read_only=True)
    try:
        return tuple(_counts_open(con))
    finally:
        con.close()


def test_loading_the_same_crawl_twice_adds_nothing(tmp_path: Path) -> None:
    pages = [report(4, i).html().encode() for i in range(6)]
    con = connect(tmp_path)
    first = load(con, _batch(pages, run_id="run-1"))
    before = _counts_open(con)
    again = load(con, _batch(pages, run_id="run-1"))
    assert again.already_loaded and again.snapshot_id == first.snapshot_id
    assert _counts_open(con) == before
    con.close()


def _counts_open(con) -> tuple[int, ...]:
    """What a user sees: committed snapshots, versions, indicators and failed fetches through the views."""
    return con.execute("SELECT (SELECT count(*) FROM snapshots),"
                       " (SELECT count(*) FROM document_versions), (SELECT count(*) FROM indicators_as_of(1000000)),"
                       " (SELECT count(*) FROM fetch_failures)").fetchone()


def _stored_rows(con) -> tuple[int, ...]:
    """Every row of the tables the views read, committed or not."""
    return con.execute("SELECT (SELECT count(*) FROM load_starts), (SELECT count(*) FROM version_rows),"
                       " (SELECT count(*) FROM indicator_rows), (SELECT count(*) FROM fetches)").fetchone()


class _Dies(Exception):
    pass


def _dying(pages, after: int):
    """A crawl whose pages stop coming: the loader dies with it after `after` pages."""
    for n, item in enumerate(pages):
        if n == after:
            raise _Dies
        yield item


def test_a_schema_2_warehouse_is_upgraded_in_place(tmp_path: Path) -> None:
    con = connect(tmp_path)
    load(con, _batch([report(9, i).html().encode() for i in range(3)]))
    con.execute("UPDATE zwgk_meta SET value = '2' WHERE key = 'schema_version'")
    con.execute("CREATE OR REPLACE VIEW document_versions AS SELECT * FROM version_rows")  # the views of schema 2
    con.close()
    con = connect(tmp_path)
    assert con.execute("SELECT value FROM zwgk_meta WHERE key = 'schema_version'").fetchone() == (flows.warehouse.SCHEMA_VERSION,)
    assert con.execute("SELECT count(*) FROM portal_health").fetchone() == (0,)  # schema 4's table and view are there
    assert "valid_to" in [c[0] for c in con.execute("DESCRIBE document_versions").fetchall()]
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (3,)
    con.close()


def test_a_load_commits_in_parts_that_stay_invisible_until_the_last(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows.warehouse, "LOAD_COMMIT_VERSIONS", 3)
    con = connect(tmp_path)
    load(con, _batch([report(9, i).html().encode() for i in range(4)]))
    seen, stored = _counts_open(con), _stored_rows(con)
    dying = _batch([report(9, i).html().encode() for i in range(4, 14)])
    dying.pages = _dying(dying.pages, after=8)  # two parts committed, the third rolled back
    with pytest.raises(_Dies):
        load(con, dying)
    assert _counts_open(con) == seen  # the committed parts are not visible
    assert _stored_rows(con)[1] > stored[1]  # but they are stored, under a load that started and never finished
    assert con.execute("SELECT snapshot_id FROM load_starts WHERE snapshot_id NOT IN "
                       "(SELECT snapshot_id FROM snapshots)").fetchall() == [(2,)]
    for path in sorted((flows.warehouse.SQL_DIR / "checks").glob("*.sql")):
        assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], path.name
    # the next load discards the dead parts and takes their snapshot id
    result = load(con, _batch([report(9, i).html().encode() for i in range(14)]))
    assert result.snapshot_id == 2 and result.docs_new == 10 and result.docs_unchanged == 4
    assert _stored_rows(con)[1] == 14  # the dead parts are gone
    assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (2,)
    assert con.execute("SELECT count(DISTINCT doc_id) FROM indicator_rows").fetchone() == \
        con.execute("SELECT count(DISTINCT doc_id) FROM indicators").fetchone()
    con.close()


def test_reprocess_reversions_only_changed_output(prefect_harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from flows.reprocess import reprocess

    pages = [report(5, i).html().encode() for i in range(8)]
    con = connect(tmp_path)
    load(con, _batch(pages))
    indicators_before = con.execute("SELECT count(*) FROM indicators").fetchone()[0]
    con.close()
    # same parser: nothing changes
    same = reprocess(warehouse=str(tmp_path))
    assert (same.docs_changed, same.docs_unchanged, same.indicators) == (0, 8, 0)
    # a new parser version with the same output: no new versions, indicators re-derived under the new version
    monkeypatch.setattr(flows.warehouse, "PARSER_VERSION", "0.1.1")
    bumped = reprocess(warehouse=str(tmp_path))
    assert (bumped.docs_changed, bumped.indicators) == (0, indicators_before)
    # a parser whose cleaning changed for some pages: only those get a new version
    original = flows.process.clean_page

    def cleaner(data, content_type=None):
        doc = original(data, content_type)
        if "hanweb" in str(content_type) or b"ZJEG_RSS" in data:
            doc.body += "\n（本文已更新）"
        return doc

    monkeypatch.setattr(flows.process, "clean_page", cleaner)
    monkeypatch.setenv("ZWGK_PROCESSING_WORKERS", "0")  # processed in this process, where the patch applies
    changed = reprocess(warehouse=str(tmp_path))
    hanweb = sum(1 for p in pages if b"ZJEG_RSS" in p)
    assert 0 < hanweb < len(pages)
    assert (changed.docs_changed, changed.docs_unchanged) == (hanweb, len(pages) - hanweb)
    con = connect(tmp_path, read_only=True)
    assert con.execute("SELECT count(*) FROM documents").fetchone()[0] == len(pages)
    assert con.execute("SELECT count(*) FROM fetches").fetchone()[0] == len(pages)  # reprocess fetched nothing
    assert con.execute("SELECT kind FROM snapshots ORDER BY snapshot_id DESC LIMIT 1").fetchone()[0] == "reprocess"
    con.close()


def test_runs_that_open_a_new_warehouse_at_once_all_succeed(tmp_path: Path) -> None:
    """Two first runs used to create the catalog at the same time ("database is locked", "disk I/O error")."""
    def open_and_read() -> None:
        for _ in range(2):
            con = connect(tmp_path)
            fetch_state(con)
            con.close()

    assert run_at_once(open_and_read, 3, timeout=120) == [None] * 3
    con = connect(tmp_path, read_only=True)
    assert con.execute("SELECT value FROM zwgk_meta WHERE key = 'schema_version'").fetchone() == (flows.warehouse.SCHEMA_VERSION,)
    con.close()


LOADER = """
import pickle
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[3])
import flows.warehouse
from flows.warehouse import connect, load
with open(sys.argv[2], "rb") as f:
    batch = pickle.load(f)
flows.warehouse.LOAD_COMMIT_VERSIONS = 10  # 45 new versions in five parts: kills land between part commits too
con = connect(Path(sys.argv[1]))
print("loading", flush=True)
load(con, batch)
"""


def _start_load(wh: Path, batch: Path) -> subprocess.Popen[str]:
    """A loader in its own process (forking this one could deadlock on library thread pools), loading a pickled
    batch: the loader imports no more than a load needs."""
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(wh), str(batch), str(Path(__file__).parents[1])],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    if proc.stdout.readline().strip() != "loading":
        pytest.fail(f"the loader did not start: {proc.stderr.read()}")
    return proc


def test_sigkill_at_any_point_of_a_load_leaves_the_previous_snapshot_intact(tmp_path: Path) -> None:
    base = tmp_path / "base"
    con = connect(base)
    load(con, _batch([report(6, i).html().encode() for i in range(5)]))
    con.close()
    expected = _counts(base)
    pages = 50
    batch = tmp_path / "batch.pickle"
    batch.write_bytes(pickle.dumps(_batch([report(6, i).html().encode() for i in range(pages)])))
    # how long an unkilled load takes, from "loading" to exit
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    proc = _start_load(probe, batch)
    started = time.monotonic()
    assert proc.wait(timeout=300) == 0
    duration = time.monotonic() - started
    kill_points = 30  # spare points: a kill that lands after the commit does not count
    killed = 0
    for k in range(kill_points):
        if killed >= 21:
            break
        wh = tmp_path / f"kill{k}"
        shutil.copytree(base, wh)
        proc = _start_load(wh, batch)
        time.sleep(duration * 0.85 * k / (kill_points - 1))  # spread over the load, short of its end
        proc.send_signal(signal.SIGKILL)
        killed += proc.wait(timeout=60) == -signal.SIGKILL
        con = connect(wh, read_only=True)  # the warehouse opens
        counts = tuple(_counts_open(con))
        if counts[0] == 1:
            assert counts == expected, f"kill point {k}: previous snapshot changed"
        else:
            assert counts[0] == 2 and counts[1] == pages  # committed whole: 5 unchanged + 45 new versions
        for path in sorted((flows.warehouse.SQL_DIR / "checks").glob("*.sql")):
            assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], (k, path.name)
        con.close()
        # the next run succeeds
        con = connect(wh)
        result = load(con, _batch([report(6, i).html().encode() for i in range(10)]))
        assert result.snapshot_id == counts[0] + 1
        assert con.execute("SELECT count(*) FROM snapshots").fetchone() == (counts[0] + 1,)
        assert con.execute("SELECT count(*) FROM fetches WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshots)"
                           ).fetchone() == (0,)  # a dead load's parts are gone, its snapshot id reused
        con.close()
    assert killed >= 20  # killed mid-load at 20+ points (a later kill may find the load already committed)


def test_time_travel_survives_compaction(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(flows.warehouse, "COMPACT_EVERY", 3)
    pages = [report(8, i).html().encode() for i in range(4)]
    con = connect(tmp_path)
    expected: dict[int, set[tuple[str, str]]] = {}
    for n in range(1, 8):  # each snapshot edits one page; snapshots 3 and 6 compact afterwards
        pages[n % 4] = pages[n % 4].replace(b"</body>", f"<p>修订{n}</p></body>".encode())
        load(con, _batch(pages))
        expected[n] = set(con.execute("SELECT url, content_sha256 FROM documents").fetchall())
    versions = dict(con.execute("SELECT snapshot_id, lake_version FROM snapshot_versions").fetchall())
    for n, current in expected.items():
        assert set(con.execute("SELECT url, content_sha256 FROM documents_as_of(?)", [n]).fetchall()) == current
        at = con.execute(f"SELECT url, content_sha256 FROM document_versions AT (VERSION => {int(versions[n])}) "
                         "WHERE valid_to IS NULL").fetchall()
        assert set(at) == current, n
    con.close()
