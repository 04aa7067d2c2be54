"""A warehouse on a PostgreSQL catalog (a real server started by the test) written by several processes at once.

What must hold with concurrent writers: two loads both commit with distinct snapshot ids, or one waits; never a
duplicate id, never a half-visible snapshot, never a dead load taken for a running one (or the reverse).
"""

from __future__ import annotations

import json
import os
import pickle
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from flows.load_locks import LockTimeout, PostgresLoadLocks
from flows.process import stage_pages
from flows.warehouse import SQL_DIR, CrawlBatch, attach_statement, connect, load
from mirror.server import Mirror, column_slots, synthetic_articles
from mirror.synthetic import report
from transforms.models import RawPage
from zwgk import settings

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[1]

# A loader in its own process. Each part commit is slowed down so that two loads certainly overlap in time.
LOADER = """
import pickle, sys, time
sys.path.insert(0, sys.argv[3])
import flows.warehouse as w
from pathlib import Path
flows_flush = w._Table.flush
def slow_flush(self):
    flows_flush(self)
    time.sleep(float(sys.argv[4]))
w._Table.flush = slow_flush
w.LOAD_COMMIT_VERSIONS = 10
with open(sys.argv[2], "rb") as f:
    batch = pickle.load(f)
con = w.connect(Path(sys.argv[1]))
print("loading", flush=True)
result = w.load(con, batch)
print("loaded", result.snapshot_id, flush=True)
"""


@pytest.fixture
def shared(postgres, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse folder whose catalog is a fresh PostgreSQL database and whose data is a 'shared' path."""
    conninfo = postgres.create_database(f"zwgk_{os.getpid()}_{time.monotonic_ns()}")
    monkeypatch.setenv("ZWGK_CATALOG", f"postgres:{conninfo}")
    monkeypatch.setenv("ZWGK_DATA_PATH", str(tmp_path / "shared-data"))
    return tmp_path / "wh"


def _batch(portal: str, pages: range, seed: int = 6) -> CrawlBatch:
    raw = [RawPage(url=f"http://{portal}.example/art/2024/1/1/art_1_{i}.html", portal=portal, status=200,
                   fetched_at="2024-01-01T00:00:00", content=report(seed, i).html().encode(),
                   content_type="text/html; charset=utf-8") for i in pages]
    return CrawlBatch(kind="crawl", started_at=datetime.now(UTC), portals=[portal],
                      pages=[stage_pages(raw[i:i + 5]) for i in range(0, len(raw), 5)],
                      listed_urls={portal: {r.url for r in raw}}, pages_listed=len(raw))


def _start(wh: Path, batch: CrawlBatch, tmp_path: Path, delay: float = 0.3) -> subprocess.Popen[str]:
    path = tmp_path / f"batch-{time.monotonic_ns()}.pickle"
    path.write_bytes(pickle.dumps(batch))
    proc = subprocess.Popen([sys.executable, "-c", LOADER, str(wh), str(path), str(ROOT), str(delay)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    if proc.stdout.readline().strip() != "loading":
        pytest.fail(f"the loader did not start: {proc.communicate()[1]}")
    return proc


def _finish(proc: subprocess.Popen[str]) -> int:
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return int(out.split()[-1])


def _assert_checks(con) -> None:
    for path in sorted((SQL_DIR / "checks").glob("*.sql")):
        assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], path.name


def _windows(con) -> dict[int, tuple[datetime, datetime]]:
    return {s: (start, end) for s, start, end in con.execute(
        "SELECT s.snapshot_id, l.started_at, s.finished_at FROM snapshots s JOIN load_starts l USING (snapshot_id)"
    ).fetchall()}


def test_loads_of_two_portals_from_two_processes_commit_at_once(shared: Path, tmp_path: Path) -> None:
    connect(shared).close()  # the schema exists before the race (its creation is locked too, tested below)
    a = _start(shared, _batch("a", range(40)), tmp_path)
    b = _start(shared, _batch("b", range(40), seed=8), tmp_path)
    ids = {_finish(a), _finish(b)}
    assert ids == {1, 2}
    con = connect(shared, read_only=True)
    (s1, e1), (s2, e2) = _windows(con)[1], _windows(con)[2]
    assert s1 < e2 and s2 < e1, "the two loads did not overlap: this test proved nothing"
    assert con.execute("SELECT portal, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall() == [("a", 40), ("b", 40)]
    _assert_checks(con)
    first = con.execute("SELECT portals FROM snapshots WHERE snapshot_id = 1").fetchone()[0]
    assert con.execute("SELECT DISTINCT portal FROM documents_as_of(1)").fetchall() == [(first,)]
    assert con.execute("SELECT count(*) FROM documents_as_of(2)").fetchone() == (80,)
    # DuckLake time travel: the lake version that committed each snapshot shows it and what committed before it
    for snapshot_id, lake_version in con.execute("SELECT snapshot_id, lake_version FROM snapshot_versions").fetchall():
        seen = {r[0] for r in con.execute(f"SELECT snapshot_id FROM snapshots AT (VERSION => {int(lake_version)})").fetchall()}
        assert snapshot_id in seen
    con.close()


def test_two_loads_of_one_portal_take_turns(shared: Path, tmp_path: Path) -> None:
    connect(shared).close()
    first = _start(shared, _batch("a", range(0, 30)), tmp_path, delay=0.2)
    second = _start(shared, _batch("a", range(10, 40)), tmp_path, delay=0.2)
    assert {_finish(first), _finish(second)} == {1, 2}
    con = connect(shared, read_only=True)
    windows = _windows(con)
    assert windows[2][0] >= windows[1][1], "the second load of the portal began before the first committed"
    # the later listing (10-39) is the portal now: 0-9 gone, nothing duplicated
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (30,)
    assert con.execute("SELECT count(*), count(DISTINCT doc_id) FROM document_versions").fetchone() == (40, 40)
    _assert_checks(con)
    con.close()


def test_a_dead_load_is_left_alone_while_another_runs_and_discarded_once_none_does(shared: Path, tmp_path: Path) -> None:
    connect(shared).close()
    dying = _start(shared, _batch("a", range(40)), tmp_path, delay=0.5)
    con = connect(shared, read_only=True)
    deadline = time.monotonic() + 120
    while con.execute("SELECT count(*) FROM version_rows").fetchone()[0] < 10:  # a part of it is committed
        assert time.monotonic() < deadline and dying.poll() is None
        time.sleep(0.05)
    running = _start(shared, _batch("b", range(40), seed=8), tmp_path, delay=0.4)  # busy while the next one starts
    while con.execute("SELECT count(*) FROM load_starts").fetchone()[0] < 2:  # it has its snapshot id
        assert time.monotonic() < deadline and running.poll() is None
        time.sleep(0.05)
    dying.send_signal(signal.SIGKILL)
    assert dying.wait(timeout=30) == -signal.SIGKILL
    dead = {r[0] for r in con.execute("SELECT doc_id FROM version_rows WHERE valid_from = 1").fetchall()}
    con.close()
    again = _start(shared, _batch("a", range(20)), tmp_path, delay=0.0)
    assert _finish(again) == 3  # the dead load's id 1 is not given out while its rows remain
    assert _finish(running) == 2
    con = connect(shared, read_only=True)
    # its versions number past the dead load's (which held version 1 of the same pages), and none of its rows show
    versions = dict(con.execute("SELECT doc_id, version FROM document_versions WHERE portal = 'a'").fetchall())
    assert dead and len(versions) == 20
    assert all(v == (2 if doc in dead else 1) for doc, v in versions.items())
    con.close()
    con = connect(shared, read_only=True)
    assert con.execute("SELECT portal, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall() == [("a", 20), ("b", 40)]
    assert con.execute("SELECT count(*) FROM document_versions WHERE portal = 'a'").fetchone() == (20,)
    _assert_checks(con)
    con.close()
    # the first load to find itself alone (here the last to finish, in its maintenance) discarded the dead rows
    con = connect(shared)
    load(con, _batch("b", range(40), seed=8))
    assert con.execute("SELECT count(*) FROM load_starts WHERE snapshot_id NOT IN (SELECT snapshot_id FROM snapshots)"
                       ).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM version_rows WHERE valid_from NOT IN (SELECT snapshot_id FROM snapshots)"
                       ).fetchone() == (0,)
    assert con.execute("SELECT count(*) FROM documents").fetchone() == (60,)
    _assert_checks(con)
    con.close()


HOLDER = """
import sys, time
sys.path.insert(0, sys.argv[2])
from flows.load_locks import PostgresLoadLocks
locks = PostgresLoadLocks(sys.argv[1])
with locks.hold("portal:x"):
    print("held", flush=True)
    time.sleep(600)
"""


def test_a_lock_dies_with_its_holder(postgres) -> None:
    conninfo = postgres.create_database(f"locks_{time.monotonic_ns()}")
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, conninfo, str(ROOT)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    locks = PostgresLoadLocks(conninfo)
    try:
        assert locks.is_held("portal:x") and not locks.is_held("portal:y")
        with pytest.raises(LockTimeout), locks.hold("portal:x", timeout=0.3):
            pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        deadline = time.monotonic() + 10
        while locks.is_held("portal:x"):
            assert time.monotonic() < deadline, "the dead holder's lock was not released"
            time.sleep(0.05)
        with locks.hold("portal:x", timeout=1):
            assert locks.is_held("portal:x")
        assert not locks.is_held("portal:x")
    finally:
        locks.close()


def test_first_opens_from_many_processes_create_one_schema(shared: Path) -> None:
    script = "import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path; " \
             "from flows.warehouse import connect; connect(Path(sys.argv[1])).close()"
    procs = [subprocess.Popen([sys.executable, "-c", script, str(shared), str(ROOT)], stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read() if proc.stderr else ""
    con = connect(shared, read_only=True)
    assert con.execute("SELECT value FROM zwgk_meta WHERE key = 'schema_version'").fetchall() == [("5",)]
    con.close()


def test_crawl_sql_reprocess_and_the_plain_client_on_a_shared_catalog(shared: Path, tmp_path: Path) -> None:
    """Two `zwgk crawl` processes at once over real HTTP, then the commands analysts and operators run."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home"), "ZWGK_WAREHOUSE": str(shared)}
    env.pop("PREFECT_API_URL", None)
    articles = synthetic_articles(21, 60, column_slots(["a", "b"], 1))
    with Mirror(articles, perpage=15) as mirror:
        configs = []
        for host in ("a", "b"):
            config = tmp_path / f"{host}.toml"
            config.write_text(mirror.jcms_config(f"portal-{host}", [host], rate=1000.0), encoding="utf-8")
            configs.append(config)
        crawls = [subprocess.Popen([sys.executable, "-m", "zwgk.cli", "crawl", "--config", str(c)], env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in configs]
        for proc in crawls:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, err
    def zwgk(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "zwgk.cli", *args], env=env, capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout
    rows = json.loads(zwgk("sql", "--format", "json", "SELECT portal, count(*) AS n FROM documents GROUP BY 1 ORDER BY 1"))
    assert rows == [{"portal": "portal-a", "n": 30}, {"portal": "portal-b", "n": 30}]
    assert "snapshot 3 (reprocess)" in zwgk("reprocess")
    export = tmp_path / "export"
    zwgk("export", str(export))
    assert (export / "documents.parquet").exists() or any(export.glob("documents*")), list(export.iterdir())
    # the plain DuckDB client: LOAD the extensions, then the ATTACH the README prints
    import duckdb
    import duckdb_extensions

    plain = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    for extension in ("postgres", "ducklake"):
        duckdb_extensions.import_extension(extension, con=plain)
    plain.execute(attach_statement(settings.warehouse_location(shared), read_only=True))
    assert plain.execute("SELECT count(*) FROM zwgk.snapshots").fetchone() == (3,)
    assert plain.execute("SELECT count(*) FROM zwgk.document_versions").fetchone()[0] == 60
    plain.close()


def test_where_the_warehouse_lives_comes_from_the_config_then_the_environment(tmp_path: Path,
                                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ZWGK_CATALOG", raising=False)
    monkeypatch.delenv("ZWGK_DATA_PATH", raising=False)
    monkeypatch.delenv("ZWGK_CONFIG", raising=False)
    config = tmp_path / "portals.toml"
    config.write_text('[warehouse]\ncatalog = "postgres:dbname=zwgk host=db.internal"\ndata_path = "s3://bucket/zwgk"\n',
                      encoding="utf-8")
    here = settings.warehouse_location(tmp_path / "wh", config)
    assert (here.postgres, here.data, here.remote_data) == ("dbname=zwgk host=db.internal", "s3://bucket/zwgk/", True)
    monkeypatch.setenv("ZWGK_CATALOG", "sqlite")
    monkeypatch.setenv("ZWGK_DATA_PATH", str(tmp_path / "mnt" / "share"))
    there = settings.warehouse_location(tmp_path / "wh", config)  # the environment wins
    assert (there.postgres, there.data) == (None, f"{tmp_path / 'mnt' / 'share'}/")
    default = settings.WarehouseLocation(folder=tmp_path / "wh")
    assert default.data == f"{tmp_path / 'wh' / 'data'}/"
    monkeypatch.setenv("ZWGK_CATALOG", "mysql:db=x")
    with pytest.raises(settings.ConfigError, match="postgres:"):
        settings.warehouse_location(tmp_path / "wh", config)


def test_a_bad_catalog_is_one_clear_line_without_the_password(tmp_path: Path) -> None:
    env = {**os.environ, "ZWGK_CATALOG": "postgres:dbname=nope host=127.0.0.1 port=1 user=x password=s3cret",
           "ZWGK_WAREHOUSE": str(tmp_path / "wh")}
    done = subprocess.run([sys.executable, "-m", "zwgk.cli", "sql", "SELECT 1"], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode != 0
    assert "cannot open warehouse postgres:" in done.stderr and "s3cret" not in done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_data_on_object_storage_through_an_s3_compatible_server(postgres, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL catalog and s3:// data (moto's S3 server on 127.0.0.1): loads, zwgk sql and time travel, with
    credentials and endpoint from the usual AWS_* variables, and nothing written to the local folder's data."""
    import boto3
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        for key, value in {"AWS_ACCESS_KEY_ID": "zwgk", "AWS_SECRET_ACCESS_KEY": "zwgk-secret",
                           "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}.items():
            monkeypatch.setenv(key, value)
        s3 = boto3.client("s3", endpoint_url=endpoint)
        s3.create_bucket(Bucket="zwgk")
        monkeypatch.setenv("ZWGK_CATALOG", f"postgres:{postgres.create_database(f'objects_{time.monotonic_ns()}')}")
        monkeypatch.setenv("ZWGK_DATA_PATH", "s3://zwgk/lake")
        wh = tmp_path / "wh"
        con = connect(wh)
        load(con, _batch("a", range(20)))
        load(con, _batch("a", range(10, 30)))
        con.close()
        keys = [o["Key"] for o in s3.list_objects_v2(Bucket="zwgk", Prefix="lake/").get("Contents", [])]
        assert any("/version_rows/" in k for k in keys) and all(k.endswith(".parquet") for k in keys), keys
        assert not (wh / "data").exists() or not any((wh / "data").rglob("*.parquet"))
        done = subprocess.run([sys.executable, "-m", "zwgk.cli", "sql", "--format", "json",
                               "SELECT (SELECT count(*) FROM documents) AS now, "
                               "(SELECT count(*) FROM documents_as_of(1)) AS then"],
                              env={**os.environ, "ZWGK_WAREHOUSE": str(wh)}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout) == [{"now": 20, "then": 20}]
        con = connect(wh, read_only=True)
        _assert_checks(con)
        assert con.execute("SELECT count(*) FROM document_versions").fetchone() == (30,)
        con.close()
    finally:
        server.stop()
