"""End to end: the mirror over real HTTP on 127.0.0.1, the Prefect crawl flow, a DuckLake warehouse in tmp_path."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.warehouse import connect
from mirror.server import Mirror
from zwgk import cli, settings

from .conftest import run_cli

pytestmark = pytest.mark.slow

HOLD_READ = """
import sys, time
from pathlib import Path
from flows.warehouse import connect
con = connect(Path(sys.argv[1]), read_only=True)
con.execute("BEGIN")
print(con.execute("select count(*) from indicators").fetchone()[0], flush=True)
Path(sys.argv[2]).touch()
while not Path(sys.argv[3]).exists():
    time.sleep(0.1)
print(con.execute("select count(*) from documents").fetchone()[0], flush=True)
con.execute("COMMIT")
"""


@pytest.fixture(scope="module")
def mirror():
    with Mirror() as m:
        yield m


def crawl(mirror: Mirror, warehouse: Path, tmp_path: Path):
    from flows.crawl import crawl as crawl_flow

    config = tmp_path / "portals.toml"
    config.write_text(mirror.config_toml(), encoding="utf-8")
    return crawl_flow(portals=list(settings.load_portals(config)), warehouse=str(warehouse))


def test_crawl_loads_seeds_and_recrawl_adds_an_empty_snapshot(prefect_harness, mirror: Mirror, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    first = crawl(mirror, warehouse, tmp_path)
    assert (first.snapshot_id, first.docs_new) == (1, 5)
    con = connect(warehouse, read_only=True)
    assert con.execute("select count(*) from documents").fetchone()[0] == 5
    assert con.execute("select count(*) from indicators").fetchone()[0] >= 150
    assert con.execute("select count(*) from raw_pages").fetchone()[0] == 5
    titles = {r[0] for r in con.execute("select title from documents").fetchall()}
    assert "镜湖新区开发办2024年上半年工作总结及下半年工作思路" in titles
    con.close()
    requests_before = len(mirror.requests)
    second = crawl(mirror, warehouse, tmp_path)
    assert (second.snapshot_id, second.docs_new, second.docs_changed, second.docs_gone, second.docs_unchanged) == (2, 0, 0, 0, 5)
    article_gets = [r for r in mirror.requests[requests_before:] if "/art/" in r[3]]
    assert len(article_gets) == 5  # conditional GETs: the server answered 304, no body was downloaded
    con = connect(warehouse, read_only=True)
    assert con.execute("select count(*) from document_versions").fetchone()[0] == 5
    assert con.execute("select snapshot_id, docs_new, docs_changed from snapshots order by 1").fetchall() == [(1, 5, 0), (2, 0, 0)]
    assert con.execute("select count(*) from documents_as_of(1)").fetchone()[0] == 5
    assert con.execute("select count(*) from indicators_as_of(1)").fetchone()[0] >= 150
    con.close()
    # the page chrome (view counter, dates of the byline) is not what is versioned: edit the body instead
    path = mirror.articles[0].path
    mirror.edit(path, "一、上半年工作总结\n全年完成规上工业总产值100亿元,同比增长5%。")
    third = crawl(mirror, warehouse, tmp_path)
    assert (third.docs_changed, third.docs_new) == (1, 0)
    con = connect(warehouse, read_only=True)
    changes = con.execute("select snapshot_id, change from document_changes where snapshot_id = 3").fetchall()
    assert changes == [(3, "changed")]
    con.close()


def test_sql_answers_while_a_reader_holds_a_session_and_a_crawl_loads(prefect_harness, mirror: Mirror, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh"
    crawl(mirror, warehouse, tmp_path)
    ready, release = tmp_path / "ready", tmp_path / "release"
    reader = subprocess.Popen([sys.executable, "-c", HOLD_READ, str(warehouse), str(ready), str(release)],
                              stdout=subprocess.PIPE, text=True)
    try:
        deadline = time.time() + 60
        while not ready.exists():
            assert reader.poll() is None and time.time() < deadline
            time.sleep(0.1)
        out = run_cli("sql", "--warehouse", str(warehouse), "--format", "json", "select count(*) as n from indicators")
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)[0]["n"] >= 150
        mirror.edit(mirror.articles[1].path, "一、2018年工作总结\n全年实现财政总收入12.9亿元,同比增长9.3%。")
        summary = crawl(mirror, warehouse, tmp_path)  # a load while the read session is open
        assert summary.docs_changed == 1
    finally:
        release.touch()
        stdout, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    assert stdout.split()[1] == "5"


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    out = run_cli("clean", str(tmp_path / "missing.html"))
    assert out.returncode == 2 and "no such file" in out.stderr and "Traceback" not in out.stderr
    out = run_cli("sql", "--warehouse", str(tmp_path / "none"), "select 1")
    assert out.returncode == 2 and "no warehouse" in out.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[[portals]]\nname = 'Bad Name'\nstart_urls = ['http://x']\n", encoding="utf-8")
    out = run_cli("crawl", "--config", str(bad), "--warehouse", str(tmp_path / "wh"))
    assert out.returncode == 2 and "must match" in out.stderr


def test_cli_clean_and_extract_on_a_seed() -> None:
    seed = Path(__file__).parent / "fixtures" / "seeds" / "003_48ee3beea556918c.txt"
    out = run_cli("clean", str(seed))
    doc = json.loads(out.stdout)
    assert doc["metadata"]["index_no"] == "001008004005095/2024-124150"
    assert doc["outline"][0] == {"level": 1, "title": "一、2023年工作总结", "role": "review"}
    out = run_cli("extract", str(seed))
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows[0]["name"] == "规上工业总产值" and rows[0]["value_base"] == 77376000000.0


def test_demo_twice_then_the_analysis_pack_export_and_reprocess(demo_run, tmp_path: Path) -> None:
    """`zwgk demo` itself (ephemeral Prefect API), then everything an analyst does with the demo warehouse."""
    warehouse = str(tmp_path / "demo-wh")
    shutil.copytree(demo_run[0], warehouse)
    first = demo_run[1]
    from mirror.server import VARIANTS

    # the seeds and their follow-up, and the hosts of the other list kinds but the one behind a challenge
    documents = 6 + sum(sum(counts) for kind, _c, counts in VARIANTS.values() if kind != "challenge")
    assert f"snapshot 1: {documents} new" in first.stdout
    assert "jinghu-mirror: listed 6, fetched 5, unchanged 0, failed 1" in first.stdout  # one listed page vanished (404)
    assert "challenge-mirror [FAILED]: listed 0" in first.stdout and "JavaScript cookie challenge" in first.stdout
    second = run_cli("demo", "--warehouse", warehouse)
    assert second.returncode == 0, second.stderr
    assert "snapshot 2: 0 new, 0 changed" in second.stdout
    out = run_cli("sql", "--warehouse", warehouse, "--format", "csv", "select count(*) as n from indicators")
    assert int(out.stdout.splitlines()[1]) >= 150
    # every ready query of the analysis pack runs and returns rows
    for query in sorted((settings.SQL_DIR / "analysis").glob("*.sql")):
        out = run_cli("sql", "--warehouse", warehouse, "--format", "json", query.read_text(encoding="utf-8"))
        assert out.returncode == 0, (query.name, out.stderr)
        assert json.loads(out.stdout), f"{query.name} returned no rows"
    # export of the current views
    for fmt in ("parquet", "csv"):
        out = run_cli("export", "--warehouse", warehouse, "--format", fmt, str(tmp_path / fmt))
        assert out.returncode == 0, out.stderr
    import duckdb

    exported = duckdb.sql(f"select count(*) from '{tmp_path / 'parquet' / 'indicators.parquet'}'").fetchone()[0]
    assert exported == int(run_cli("sql", "--warehouse", warehouse, "--format", "csv",
                                   "select count(*) from indicators").stdout.splitlines()[1])
    assert (tmp_path / "csv" / "documents.csv").read_text(encoding="utf-8").startswith("doc_id,version,url")
    # reprocess with an unchanged parser: a snapshot, no new versions, no network
    out = run_cli("reprocess", "--warehouse", warehouse)
    assert out.returncode == 0, out.stderr
    assert f"snapshot 3 (reprocess): 0 documents re-versioned, {documents} unchanged" in out.stdout
    # the folder is self-contained: a copy elsewhere answers the same
    moved = tmp_path / "elsewhere" / "wh"
    shutil.copytree(warehouse, moved)
    shutil.rmtree(warehouse)
    out = run_cli("sql", "--warehouse", str(moved), "--format", "csv", "select count(*) from indicators_as_of(1)")
    assert out.returncode == 0 and int(out.stdout.splitlines()[1]) >= 150, out.stderr


def test_main_returns_usage_error_for_unknown_portal(tmp_path: Path, mirror: Mirror) -> None:
    config = tmp_path / "portals.toml"
    config.write_text(mirror.config_toml(), encoding="utf-8")
    assert cli.main(["crawl", "--config", str(config), "--portal", "nope", "--warehouse", str(tmp_path / "wh")]) == 2
