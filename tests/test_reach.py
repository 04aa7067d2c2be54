"""Reach, end to end: each list kind of the mirror crawled as a user would configure it, the shipped catalogue of
real portals, conditional GETs across a change of address, and `zwgk discover` naming jpaas and xxgk columns."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from flows.warehouse import SQL_DIR, connect
from mirror.server import VARIANTS, Mirror, variant_articles
from zwgk import settings

pytestmark = pytest.mark.slow


def _variant_mirror() -> Mirror:
    return Mirror(variant_articles(), sites={host: kind for host, (kind, _c, _n) in VARIANTS.items()})


def test_every_list_kind_stores_each_article_once_and_a_recrawl_marks_nothing_gone(prefect_harness, tmp_path: Path) -> None:
    from prefect import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.crawl import crawl

    wh = tmp_path / "wh"
    with _variant_mirror() as mirror:
        portals = list(settings.parse_portals(mirror.config_toml()))
        first = crawl(portals=portals, warehouse=str(wh), return_state=True)
        second = crawl(portals=portals, warehouse=str(wh))
    summary = first.result()
    by_portal = {p.portal: p for p in summary.portals}
    for host, (kind, _columns, counts) in VARIANTS.items():
        portal = by_portal[f"{host}-mirror"]
        if kind == "challenge":
            assert portal.state.startswith("failed: ") and "JavaScript cookie challenge (HTTP 412)" in portal.state
            assert portal.listed == 0 and portal.new == 0
        else:
            assert (portal.state, portal.listed, portal.new, portal.failed) == ("ok", sum(counts), sum(counts), 0), host
    con = connect(wh, read_only=True)
    stored = con.execute("SELECT portal, count(*), count(DISTINCT url) FROM documents GROUP BY portal").fetchall()
    assert {p: (n, d) for p, n, d in stored} == {f"{h}-mirror": (sum(c), sum(c)) for h, (k, _x, c) in VARIANTS.items()
                                                 if k != "challenge"}
    notes = con.execute("SELECT notes FROM snapshots WHERE snapshot_id = 1").fetchone()[0]
    assert "challenge-mirror" in notes and "JavaScript cookie challenge" in notes
    for path in sorted((SQL_DIR / "checks").glob("*.sql")):
        assert con.execute(path.read_text(encoding="utf-8")).fetchall() == [], path.name
    con.close()
    assert second.docs_gone == 0 and second.docs_new == 0 and second.docs_unchanged == first.result().docs_new
    # the challenge portal's own task ended Failed with the reason; the run itself completed
    assert first.is_completed()
    with get_client(sync_client=True) as client:
        flow_run = first.state_details.flow_run_id
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run])))
    states = {r.name: r.state for r in runs if r.name.startswith("crawl ")}
    assert len(states) == len(VARIANTS)
    assert states["crawl challenge-mirror"].is_failed() and "challenge" in (states["crawl challenge-mirror"].message or "")
    assert all(s.is_completed() for name, s in states.items() if name != "crawl challenge-mirror")


def test_validators_follow_the_document_when_its_portal_changes_address(prefect_harness, tmp_path: Path) -> None:
    """A portal moving host, port or scheme keeps its documents and its conditional GETs (portal + path)."""
    from flows.crawl import crawl

    wh = tmp_path / "wh"
    with _variant_mirror() as before:
        portal = next(p for p in settings.parse_portals(before.config_toml()) if p.name == "trs-mirror")
        crawl(portals=[portal], warehouse=str(wh))
    with _variant_mirror() as after:  # the same site, now answering at another address
        moved = next(p for p in settings.parse_portals(after.config_toml()) if p.name == "trs-mirror")
        assert urlsplit(moved.start_urls[0]).netloc != urlsplit(portal.start_urls[0]).netloc
        again = crawl(portals=[moved], warehouse=str(wh))
    assert (again.docs_new, again.docs_changed, again.docs_gone) == (0, 0, 0)
    con = connect(wh, read_only=True)
    # every article answered 304 to the validators stored under its old address; a 304 writes no row
    assert con.execute("SELECT pages_unchanged, pages_fetched FROM snapshots WHERE snapshot_id = 2").fetchone() == (25, 0)
    assert con.execute("SELECT count(*) FROM fetches WHERE snapshot_id = 2 AND url LIKE '%/t2%'").fetchone() == (0,)
    con.close()


CMS_SHAPES = {
    "jcms": re.compile(r"^https?://[^/]+/col/col\d+/(index\.html?)?$"),
    "jpaas": re.compile(r"^https?://[^/]+/(col/col\d+/(index\.html)?|jpaas/.+)$"),
    "xxgk": re.compile(r"^https?://[^/]+/(module/xxgk/\w+\.jsp\?.+|col/col\d+/(index\.html?)?)$"),
    "generic": re.compile(r"^https?://[^/]+/\S*$"),
}


def test_the_shipped_catalogue_names_real_report_columns_with_their_provenance() -> None:
    text = settings.DEFAULT_CONFIG.read_text(encoding="utf-8")
    portals = settings.load_portals(settings.DEFAULT_CONFIG)
    assert len(portals) >= 30
    chunks = text.split("[[portals]]")
    for portal in portals:
        for url in portal.start_urls:
            assert CMS_SHAPES[portal.cms].match(url), (portal.name, portal.cms, url)
        assert portal.rate <= 1.0 and portal.schedule and not portal.allow_private
    for n in range(1, len(chunks)):  # the comment at each entry names the public record of its address
        own = chunks[n - 1].rsplit("\n\n", 1)[-1] + chunks[n].split("\n\n", 1)[0]
        assert re.search(r"evidence: (stored page|seed|code)", own), chunks[n][:80]
    zhejiang = [p for p in portals if any(re.search(r"\.(zj\.gov\.cn|sx\.gov\.cn|tx\.gov\.cn|hzsc|xiaoshan|yuhang|linan|"
                                                   r"qiantang|hhtz|nbhtz|nbyz|bl\.gov|cixi|yy\.gov|fh\.gov|ninghai|xiangshan|"
                                                   r"xiuzhou|pinghu|anji|nanxun|ruian|yueqing|longwan|dongyang|panan|qjq|"
                                                   r"qingtian|liandu|wl\.gov|zjxj|zjtt|yuhuan|shengsi|szzj|zhuji|putuo|"
                                                   r"hzxh)", u) for u in p.start_urls)]
    assert len(zhejiang) >= 30


def test_discover_names_jpaas_and_xxgk_columns(tmp_path: Path) -> None:
    with _variant_mirror() as mirror:
        proposals = {}
        for host in ("jpaas", "xxgk", "pinned"):
            done = subprocess.run([sys.executable, "-m", "zwgk.cli", "discover", mirror.url(host, "/"), "--allow-private",
                                   "--name", host], capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
            proposals[host] = settings.parse_portals(done.stdout)
    assert [(p.name, p.cms, len(p.start_urls)) for p in proposals["jpaas"]] == [("jpaas-jpaas", "jpaas", 2)]
    assert [(p.name, p.cms) for p in proposals["xxgk"]] == [("xxgk-xxgk", "xxgk")]
    assert [(p.name, p.cms) for p in proposals["pinned"]] == [("pinned", "jcms")]


REAL = Path(__file__).parent / "fixtures" / "real_lists"


def test_real_list_pages_served_at_their_own_paths_are_crawled_as_a_user_configures_them() -> None:
    """Every article a real page lists is tried (this server has none of them), paging is tried as the page declares
    it, and a list left to JavaScript is reported, not taken for a quiet day."""
    import json

    from flows.discover import list_portal
    from flows.fetcher import Fetcher

    expected = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))
    pages = {"jcms_column_hrss.jining.gov.cn_col71291.html": "jcms",
             "trs_list_zj.mof.gov.cn_caizhengjiancha_p0.html": "generic",
             "jpaas_column_sthjt.jiangxi.gov.cn_col42150": "jpaas"}
    with Mirror(articles=(), hosts=["real"]) as mirror:
        for name, cms in pages.items():
            path = urlsplit(expected[name]["page_url"]).path
            body = (REAL / expected[name].get("file", name)).read_bytes().split(b"\n", 1)[1]
            mirror.extra_pages[("real", path)] = (body, "text/html; charset=utf-8")
            config = (f'[[portals]]\nname = "real"\ncms = "{cms}"\nstart_urls = ["{mirror.url("real", path)}"]\n'
                      "rate = 100.0\nallow_private = true\n")
            listing = list_portal(Fetcher(), settings.parse_portals(config)[0])
            entries = expected[name]["articles"] - expected[name]["entry_attachments"]
            assert len(listing.refs) == entries and all(r.url.startswith(mirror.base_url("real")) for r in listing.refs)
            assert listing.refs[0].url.endswith(urlsplit(expected[name]["first_article"]).path)
            if cms == "jpaas":
                assert not listing.complete and any("loaded by JavaScript" in n for n in listing.notes)
    asked = [p for _t, _h, _m, p in mirror.requests]
    assert any(p.startswith("/module/web/jpage/dataproxy.jsp?page=") for p in asked)  # the page's own proxy, tried
    assert sum(1 for p in asked if p.startswith("/caizhengjiancha/index_")) == 15  # the TRS pager, followed
