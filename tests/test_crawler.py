"""The crawler against a misbehaving portal: every fault ends in its documented state and the snapshot commits.

Documented states (one row per URL in `fetches`, failures also in `fetch_failures`):
  500 always            -> failed, status 500, attempts = FETCH_ATTEMPTS
  500 once, 429+Retry-After once, slow answer -> stored; attempts 2, 2, 1
  timeout               -> failed, error "timeout", attempts = FETCH_ATTEMPTS
  redirect, same host   -> stored under the listed URL
  redirect, other host  -> failed, "redirect refused", the other host is never contacted
  robots.txt disallow   -> failed, "refused: disallowed by robots.txt", attempts 0, never requested
  body cut short        -> failed, "connection error", retried
  truncated markup      -> stored, the text that arrived is the body
  GBK, UTF-16 labelled GBK -> stored, decoded correctly
  50 MB page            -> failed, "page too large"
  malformed datastore   -> a listing error in the run notes; the portal counts as incompletely listed
  jpaas (JavaScript) list -> its embedded records tried, a note that the rest is left to JavaScript
Failed pages are fetched again on the next run.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from flows.warehouse import connect
from mirror.server import JCMS_COLUMN, SEED_ARTICLES, Article, Fault, Mirror, column_slots, synthetic_articles
from zwgk import settings

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
BROKEN_COLUMN = "1229000002"
JPAAS_COLUMN = "1229000003"


def _article(n: int, path: str | None = None, seed: str = "synthetic:3:{n}") -> Article:
    return Article(seed.format(n=n), "jcms", path or f"/art/2024/3/{n}/art_{JCMS_COLUMN}_{9000000 + n}.html",
                   "2024-03-01", "hanweb-xxgk", title=f"测试页{n}")


FAULTS = {
    "always500": Fault(status=500),
    "once500": Fault(status=500, times=1),
    "slow": Fault(delay=0.3, times=None),
    "throttled": Fault(status=429, retry_after="1", times=1),
    "timeout": Fault(delay=1.5),
    "redirect_same": None,  # filled in with the mirror's URL
    "redirect_other": None,
    "cut": Fault(cut_after=400),
    "truncated": None,
    "gbk": None,
    "utf16": None,
    "huge": Fault(body=b"<html><body>" + b"x" * (50 * 1024 * 1024) + b"</body></html>"),
}


@pytest.fixture()
def faulty(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(settings, "READ_TIMEOUT_S", 0.8)
    monkeypatch.setattr(settings, "BACKOFF_BASE_S", 0.05)
    articles = [a for a in SEED_ARTICLES if a.host == "jcms"]
    names = list(FAULTS)
    extra = {name: _article(n + 1) for n, name in enumerate(names)}
    target = _article(99)  # reachable only through the same-host redirect
    private = replace(_article(50), path=f"/private/art/2024/3/1/art_{JCMS_COLUMN}_9000050.html")
    hidden = replace(target, column="9999")  # served, but not listed in the column
    mirror = Mirror((*articles, *extra.values(), private, hidden), perpage=2, hosts=["jcms", "elsewhere"]).start()
    good = _article(77)
    html = mirror.page("jcms", extra["gbk"].path)
    assert html is not None
    text = html[0].decode("utf-8")
    faults = dict(FAULTS)
    faults["redirect_same"] = Fault(status=301, location=hidden.path)
    faults["redirect_other"] = Fault(status=302, location=mirror.url("elsewhere", good.path))
    faults["truncated"] = Fault(body=text[: len(text) // 2].encode("utf-8"), content_type="text/html; charset=utf-8")
    faults["gbk"] = Fault(body=text.replace('charset="utf-8"', 'charset="gbk"').encode("gb18030"),
                              content_type="text/html; charset=GBK")
    faults["utf16"] = Fault(body=text.encode("utf-16"), content_type="text/html; charset=gbk")
    for name, fault in faults.items():
        assert fault is not None
        mirror.faults[extra[name].path] = fault
    broken = b'<html><body><div id="x"><script type="text/xml"><datastore><recordset><record><![CDATA[<a href="/art/' \
             b'2024/1/1/art_1.html">x</a>]]></record><totalrecord>9</totalrecord></recordset></datastore' \
             b"<datastore><datastore></script></div></body></html>"
    mirror.extra_pages[("jcms", f"/col/col{BROKEN_COLUMN}/index.html")] = (broken, "text/html; charset=utf-8")
    jpaas = (FIXTURES / "real_pages" / "jpaas_handlebars_col_sthjt.jiangxi.gov.cn_list.html").read_bytes()
    mirror.extra_pages[("jcms", f"/col/col{JPAAS_COLUMN}/index.html")] = (jpaas, "text/html; charset=utf-8")
    yield mirror, extra
    mirror.stop()


def _portals(mirror: Mirror) -> list[settings.Portal]:
    urls = [mirror.column_url("jcms", c) for c in (JCMS_COLUMN, BROKEN_COLUMN, JPAAS_COLUMN)]
    return [settings.Portal(name="faulty", cms="jcms", start_urls=tuple(urls), rate=100.0, allow_private=True)]


def test_every_fault_ends_in_its_documented_state(prefect_harness, faulty, tmp_path: Path) -> None:
    from flows.crawl import crawl

    mirror, extra = faulty
    summary = crawl(portals=_portals(mirror), warehouse=str(tmp_path / "wh"))
    assert summary.snapshot_id == 1
    notes = " ".join(summary.portals[0].notes)
    assert "JavaScript" in notes and f"col{JPAAS_COLUMN}" in notes
    assert f"col{BROKEN_COLUMN}" in notes

    con = connect(tmp_path / "wh", read_only=True)
    rows = {url: (status, error, attempts) for url, status, error, attempts in
            con.execute("SELECT url, status, error, attempts FROM fetches WHERE snapshot_id = 1").fetchall()}
    stored = {r[0] for r in con.execute("SELECT url FROM documents").fetchall()}
    failures = {r[0] for r in con.execute("SELECT url FROM fetch_failures").fetchall()}
    snapshot = con.execute("SELECT status, notes FROM snapshots WHERE snapshot_id = 1").fetchone()
    gbk_title = con.execute("SELECT title FROM documents WHERE url = ?", [mirror.url("jcms", extra["gbk"].path)]).fetchone()
    utf16_title = con.execute("SELECT title FROM documents WHERE url = ?", [mirror.url("jcms", extra["utf16"].path)]).fetchone()
    truncated_body = con.execute("SELECT body FROM documents WHERE url = ?",
                                 [mirror.url("jcms", extra["truncated"].path)]).fetchone()
    con.close()

    def state(name: str) -> tuple:
        return rows[mirror.url("jcms", extra[name].path)]

    attempts = settings.FETCH_ATTEMPTS
    assert snapshot[0] == "committed" and "JavaScript" in snapshot[1]
    assert state("always500") == (500, "HTTP 500", attempts)
    assert state("once500")[1:] == (None, 2)
    assert state("throttled")[1:] == (None, 2)
    assert state("slow")[1:] == (None, 1)
    assert state("timeout")[1:] == ("timeout", attempts)
    assert state("redirect_same")[1] is None
    assert "redirect refused" in state("redirect_other")[1]
    assert "connection error" in state("cut")[1] and state("cut")[2] == attempts
    assert "page too large" in state("huge")[1]
    private = mirror.url("jcms", f"/private/art/2024/3/1/art_{JCMS_COLUMN}_9000050.html")
    assert rows[private] == (None, "refused: disallowed by robots.txt", 0)
    assert not any("/private/" in r[3] for r in mirror.requests)
    assert not any(r[1] == "elsewhere" for r in mirror.requests)
    ok = {"once500", "throttled", "slow", "redirect_same", "truncated", "gbk", "utf16"}
    assert {mirror.url("jcms", extra[n].path) for n in ok} <= stored
    failed = {"always500", "timeout", "redirect_other", "cut", "huge"}
    # the jpaas page embeds 50 of its 444 records: each is tried (this mirror does not serve them), the rest noted
    embedded = {u for u in failures if "/jxssthjt/col/col42150/content/" in u}
    assert len(embedded) == 50 and all(rows[u][0] == 404 for u in embedded)
    assert {mirror.url("jcms", extra[n].path) for n in failed} | {private} == failures - embedded
    assert gbk_title[0] == utf16_title[0]
    assert gbk_title[0] and "\ufffd" not in gbk_title[0]
    assert truncated_body[0]
    # Retry-After was honoured: the second request came at least a second after the 429
    throttled = [t for t, _h, _m, p in mirror.requests if p == extra["throttled"].path]
    assert throttled[1] - throttled[0] >= 0.95

    # next run: faults gone, every failed page is fetched again and stored
    mirror.faults.clear()
    again = crawl(portals=_portals(mirror), warehouse=str(tmp_path / "wh"))
    assert again.snapshot_id == 2
    con = connect(tmp_path / "wh", read_only=True)
    stored = {r[0] for r in con.execute("SELECT url FROM documents").fetchall()}
    con.close()
    assert {mirror.url("jcms", extra[n].path) for n in failed - {"redirect_other"}} <= stored


def _max_per_window(times: list[float], window: float) -> int:
    times = sorted(times)
    best, lo = 0, 0
    for hi, t in enumerate(times):
        while t - times[lo] >= window:
            lo += 1
        best = max(best, hi - lo + 1)
    return best


def test_three_columns_on_two_hosts_are_crawled_through_paging_with_a_rate_per_host(tmp_path: Path) -> None:
    """`zwgk crawl` with a config it has never seen; the rate limit is measured from the server's own log."""
    rate = 20.0
    slots = column_slots(["a"], 2) + column_slots(["b"], 1)
    with Mirror(synthetic_articles(11, 180, slots), perpage=15) as mirror:
        mirror.faults["/module/jpage/dataproxy.jsp"] = Fault(status=404)  # this site pages via /module/web/jpage/
        config = tmp_path / "never-seen.toml"
        config.write_text(mirror.jcms_config("unseen-portal", ["a", "b"], rate=rate), encoding="utf-8")
        env = {**os.environ, "ZWGK_WAREHOUSE": str(tmp_path / "wh"), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "180"}
        done = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", "--config", str(config)], capture_output=True,
                              text=True, timeout=600, env=env)
        assert done.returncode == 0, done.stderr
        assert "unseen-portal: listed 180, fetched 180, unchanged 0, failed 0, new 180" in done.stdout
        posts = [r[3] for r in mirror.requests if r[2] == "POST"]
        # per column: windows 1-45 and 46-60 in the server's own numbering (the 15 embedded records overlap the
        # first); /module/jpage/ answers 404 once per host, then the host's other columns go to /module/web/jpage/
        assert sorted(p.split("?")[0] for p in posts) == ["/module/jpage/dataproxy.jsp"] * 2 + ["/module/web/jpage/dataproxy.jsp"] * 6
        assert sorted(p.split("?")[1] for p in posts if "/web/" in p) == ["startrecord=1&endrecord=45&perpage=15"] * 3 + \
            ["startrecord=46&endrecord=90&perpage=15"] * 3
        for host in ("a", "b"):
            times = [t for t, h, _m, _p in mirror.requests if h == host]
            assert _max_per_window(times, 1.0) <= rate + 1, host
        first_run = len(mirror.requests)
        again = subprocess.run([sys.executable, "-m", "zwgk.cli", "crawl", "--config", str(config)], capture_output=True,
                               text=True, timeout=600, env=env)
        assert again.returncode == 0, again.stderr
        assert "snapshot 2: 0 new, 0 changed, 180 unchanged" in again.stdout
        article_gets = [r for r in mirror.requests[first_run:] if "/art/" in r[3]]
        assert len(article_gets) == 180  # conditional GETs only, answered 304


def test_discover_proposes_the_report_columns_of_a_site(tmp_path: Path) -> None:
    with Mirror(synthetic_articles(5, 6, column_slots(["a"], 2))) as mirror:
        done = subprocess.run([sys.executable, "-m", "zwgk.cli", "discover", mirror.url("a", "/"), "--allow-private",
                               "--name", "Test Site"], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        portals = settings.parse_portals(done.stdout)
        assert [(p.name, p.cms) for p in portals] == [("test-site", "jcms")]
        assert list(portals[0].start_urls) == [mirror.column_url("a", c) for c in mirror.columns("a")]
        refused = subprocess.run([sys.executable, "-m", "zwgk.cli", "discover", mirror.url("a", "/")], capture_output=True,
                                 text=True, timeout=120)
        assert refused.returncode == 2 and "private address" in refused.stderr
