"""List readers on real saved list pages and on the markup variants real portals write.

Real pages (tests/fixtures/real_lists, expected.json written by reading them): every article the page lists is
found and nothing else; counts and first/last URLs as read by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from protego import Protego

from transforms.barriers import attachment_kind, barrier
from transforms.listing import jcms
from transforms.listing.columns import column_kind
from transforms.listing.model import ListAnswer, ListRequest
from transforms.listing.plan import ListingPlan

REAL = Path(__file__).parent / "fixtures" / "real_lists"
EXPECTED = json.loads((REAL / "expected.json").read_text(encoding="utf-8"))


def saved(name: str) -> bytes:
    """A saved page's own bytes: the provenance line added in front of it is not the server's."""
    data = (REAL / EXPECTED.get(name, {}).get("file", name)).read_bytes()
    return data.split(b"\n", 1)[1] if data.startswith(b"<!-- source:") else data


def read_one(url: str, body: bytes, request: ListRequest | None = None, content_type: str = "text/html; charset=utf-8",
             hosts: tuple[str, ...] = ()) -> ListingPlan:
    plan = ListingPlan("p", [url], hosts or (urlsplit(url).netloc,))
    first = plan.next_request()
    assert first is not None
    plan.accept(request or first, ListAnswer(status=200, body=body, content_type=content_type, final_url=url))
    return plan


def _proxy_request(url: str) -> ListRequest:
    context = {"perpage": 25, "query": {}, "form": {}, "proxies": (), "total": None, "page_url": url}
    return jcms.window_request(url, url.split("?")[0], 1, context)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_real_list_pages_list_exactly_their_articles(name: str) -> None:
    expected = EXPECTED[name]
    url = expected["page_url"]
    request = _proxy_request(url) if expected["kind"] == "jcms_dataproxy" else None
    plan = read_one(url, saved(name), request)
    listing = plan.outcome()
    urls = [r.url for r in listing.refs]
    # a list entry that is an attachment (a PDF listed like an article) is listed as an attachment, not a page
    assert len(urls) == len(set(urls)) == expected["articles"] - expected["entry_attachments"], name
    entries = listing.refs if not expected["entry_attachments"] else [*listing.refs, *listing.attachments]
    assert entries[0].url == expected["first_article"] and entries[-1].url == expected["last_article"]
    assert (entries[0].title, entries[-1].title) == (expected["first_title"], expected["last_title"])
    assert sorted(r.url for r in listing.attachments) == sorted(expected["attachments"])
    assert all(urlsplit(u).netloc == urlsplit(expected["first_article"]).netloc for u in urls)
    stated = plan.columns[url].stated_total
    if expected["stated_total"] is not None and not expected["kind"].startswith(("generic", "trs")):  # those: pages
        assert stated == expected["stated_total"]
        if stated > len(urls):  # more than the page holds: said so, and nothing may be marked gone
            assert not listing.complete and any(f"listed {len(urls)} of the {stated}" in n for n in listing.notes)


def test_real_trs_lists_page_through_their_own_pager() -> None:
    """zj.mof.gov.cn writes its pager inline (`var countPage = 16`, "index_" + i + ".htm"), its createPageHTML call
    commented out."""
    for name in ("trs_list_zj.mof.gov.cn_caizhengjiancha_p0.html", "trs_list_zj.mof.gov.cn_caizhengjiancha_p1.html"):
        base = "https://zj.mof.gov.cn/caizhengjiancha/"
        plan = read_one(base + ("index.htm" if name.endswith("p0.html") else "index_1.htm"), saved(name))
        first = 1 if name.endswith("p0.html") else 2  # the page itself is not asked for again
        assert {r.url for r in plan.queue} == {f"{base}index_{n}.htm" for n in range(first, 16)}, name


def test_real_sources_span_sites() -> None:
    sites = {e["site"] for e in EXPECTED.values()}
    assert len(EXPECTED) >= 8 and len(sites) >= 4


COLUMN = "https://www.example.gov.cn/col/col1229000001/index.html"


def _column(records: str, script: str = "", unit: str = "4495383") -> bytes:
    return (f'<html><head><meta name="WebId" content="3163"></head><body><div id="{unit}">'
            f'<script type="text/xml"><datastore>{records}</datastore></script></div>{script}</body></html>').encode()


def test_jcms_records_in_any_markup_a_browser_accepts() -> None:
    records = (
        '<recordset>'
        '<record><![CDATA[\n<li><span>2024-07-30</span><a\n  href="/art/2024/7/30/art_1229000001_1.html"\n'
        '  title="一号文">一号文</a></li>\n]]></record>'
        "<record><![CDATA[<li class='x'><a href='/art/2024/7/29/art_1229000001_2.html' target=_blank>二号文</a></li>]]>"
        "</record>"
        '<record><![CDATA[<div><p><a href=/art/2024/7/28/art_1229000001_3.html title="三号文完整标题">三号...</a></p>'
        "</div>]]></record>"
        '<record>&lt;li&gt;&lt;a href="/art/2024/7/27/art_1229000001_4.html"&gt;四号文&lt;/a&gt;&lt;/li&gt;</record>'
        '<record><![CDATA[<li><a href="/col/col1229000001/index.html">[计划总结]</a>'
        '<a href="/art/2024/7/26/art_1229000001_5.html">五号文</a></li>]]></record>'
        '<record><![CDATA[<li><a href="/module/download/downfile.jsp?id=1"></a>'
        '<a href="/picture/0/附件.pdf">附件下载</a></li>]]></record>'
        "</recordset><totalrecord>6</totalrecord>"
    )
    listing = read_one(COLUMN, _column(records)).outcome()
    assert [r.url.rsplit("_", 1)[1] for r in listing.refs] == ["1.html", "2.html", "3.html", "4.html", "5.html"]
    assert [r.title for r in listing.refs][:3] == ["一号文", "二号文", "三号文完整标题"]
    assert listing.refs[0].listed_date == "2024-07-30" and listing.refs[1].listed_date == "2024-07-29"
    assert [r.url for r in listing.attachments] == ["https://www.example.gov.cn/picture/0/附件.pdf"]


def test_jcms_total_from_the_jpage_call_pages_from_record_one_in_the_servers_numbering() -> None:
    script = ("<script>$(function(){ $('#4495383').jpage({ dataStore: dataStore, perPage: 15, totalRecord: 33, "
              "groupSize: 3, proxyUrl: '/module/web/jpage/dataproxy.jsp', ajaxParam: {col:1, appid:1, webid:'3163', "
              "path:'/', columnid:1229000001, sourceContentType:1, unitid:'4495383', webname:'某街道', "
              "permissiontype:0} }); });</script>")
    records = "<recordset>" + "".join(
        f'<record><![CDATA[<li><a href="/art/2024/7/1/art_1229000001_{n}.html">文{n}</a></li>]]></record>'
        for n in range(16)) + "</recordset>"  # a pinned record and the first 15 counted ones
    plan = read_one(COLUMN, _column(records, script))
    window = plan.next_request()
    assert window is not None and window.kind == "jcms-proxy" and window.method == "POST"
    assert window.url.startswith("https://www.example.gov.cn/module/web/jpage/dataproxy.jsp?")
    assert parse_qs(urlsplit(window.url).query) == {"startrecord": ["1"], "endrecord": ["45"], "perpage": ["15"]}
    form = dict(window.form)
    assert (form["webid"], form["columnid"], form["unitid"], form["webname"]) == ("3163", "1229000001", "4495383", "某街道")
    assert plan.columns[COLUMN].stated_total == 33
    # the server answers 1-33 in its own numbering: the union is 34 (the pinned one included), complete
    answer = "<datastore><totalrecord>33</totalrecord><recordset>" + "".join(
        f'<record><![CDATA[<li><a href="/art/2024/7/1/art_1229000001_{n}.html">文{n}</a></li>]]></record>'
        for n in range(1, 34)) + "</recordset></datastore>"
    plan.accept(window, ListAnswer(status=200, body=answer.encode(), content_type="text/xml"))
    assert plan.next_request() is None
    listing = plan.outcome()
    assert len(listing.refs) == 34 and listing.complete


def test_jcms_without_a_declared_proxy_tries_both_paths_then_the_column_pages_own_paging() -> None:
    records = "<recordset>" + "".join(
        f'<record><![CDATA[<a href="/art/2024/1/1/art_1229000001_{n}.html">文{n}</a>]]></record>' for n in range(15)) + \
        "</recordset><totalrecord>40</totalrecord>"
    plan = read_one(COLUMN, _column(records))
    asked = []
    while (request := plan.next_request()) is not None:
        asked.append(request.url.replace("https://www.example.gov.cn", ""))
        plan.accept(request, ListAnswer(status=404, body=b"<html>404</html>"))
    assert [a.split("?")[0] for a in asked] == ["/module/jpage/dataproxy.jsp", "/module/web/jpage/dataproxy.jsp",
                                                "/col/col1229000001/index.html", "/col/col1229000001/index.html"]
    assert asked[2:] == ["/col/col1229000001/index.html?uid=4495383&pageNum=2",
                         "/col/col1229000001/index.html?uid=4495383&pageNum=3"]
    listing = plan.outcome()
    assert not listing.complete and len(listing.refs) == 15
    assert any("listed 15 of the 40 records" in n for n in listing.notes)


def test_a_malformed_datastore_is_a_note_and_an_incomplete_column() -> None:
    listing = read_one(COLUMN, b"<html><body><script type='text/xml'><datastore><recordset><record>"
                               b"<![CDATA[<a href='/art/2024/1/1/art_1_2.html'>x</a>]]></record></body></html>").outcome()
    assert not listing.complete and any("malformed" in n for n in listing.notes)


def test_jpaas_unitbuild_and_loadpagedata_declarations_page_through_the_unit() -> None:
    unitbuild = ('<script src="/module/jpaas/js/unitbuild.js" url="/api-gateway/jpaas-publish-server/front/page/build/unit"'
                 " queryData=\"{'webId':'3549','pageId':'1229187636','tplSetId':'zfHu','tagId':'栏目list',"
                 "'pageType':'column','parseType':'bulidstatic','paramJson':'{&quot;pageNo&quot;:1,&quot;pageSize&quot;:10}'}\">"
                 "</script>")
    url = "https://www.yw.gov.cn/col/col1229187636/index.html"
    plan = read_one(url, f"<html><body><div id='x'></div>{unitbuild}</body></html>".encode())
    unit = plan.next_request()
    assert unit is not None and unit.kind == "jpaas-unit" and unit.method == "GET"
    query = {k: v[0] for k, v in parse_qs(urlsplit(unit.url).query).items()}
    assert urlsplit(unit.url).path == "/api-gateway/jpaas-publish-server/front/page/build/unit"
    assert (query["webId"], query["pageId"], query["tplSetId"], query["tagId"]) == ("3549", "1229187636", "zfHu", "栏目list")
    assert json.loads(query["paramJson"]) == {"pageNo": 1, "pageSize": 10}
    html = "".join(f'<li><a href="/col/col1229187636/art/2024/art_{n:032x}.html" title="文{n}">文{n}</a>'
                   f"<span>2024-05-0{n % 9 + 1}</span></li>" for n in range(10))
    plan.accept(unit, ListAnswer(status=200, body=json.dumps({"data": {"html": f"<ul>{html}</ul>"}}).encode()))
    second = plan.next_request()
    assert second is not None and json.loads(parse_qs(urlsplit(second.url).query)["paramJson"][0])["pageNo"] == 2
    plan.accept(second, ListAnswer(status=200, body=b'{"success": true, "data": {"html": ""}}'))
    assert plan.next_request() is None and len(plan.outcome().refs) == 10
    # the other declaration, a top-level column whose pageId is its column id
    call = "<script>loadPageData({webId: '3549', tplSetId: 'zfHu', tagId: 'list', pageId: ''});</script>"
    plan = read_one(url, f"<html><body>{call}</body></html>".encode())
    unit = plan.next_request()
    assert unit is not None and parse_qs(urlsplit(unit.url).query)["pageId"] == ["1229187636"]


def test_xxgk_catalogue_posts_its_own_parameters_and_pages_by_currpage() -> None:
    url = "https://www.tx.gov.cn/col/col1229400846/index.html"
    page = ("<html><body><iframe src='/module/xxgk/tree.jsp?area=001008004005095&divid=div1229400846'></iframe>"
            "<script>$('#div1229400846').load('/module/xxgk/search.jsp', {infotypeId: 'C0201', jdid: '2754', "
            "sortfield: 'compaltedate:0'});</script></body></html>")
    plan = read_one(url, page.encode())
    search = plan.next_request()
    assert search is not None and search.method == "POST" and search.url == "https://www.tx.gov.cn/module/xxgk/search.jsp"
    form = dict(search.form)
    assert (form["infotypeId"], form["jdid"], form["area"], form["divid"], form["currpage"]) == \
        ("C0201", "2754", "001008004005095", "div1229400846", "1")
    rows = "".join(f"<tr><td><a href='/art/2024/2/{n + 1}/art_1229400846_{n}.html' title='总结{n}'>总结{n}</a></td>"
                   f"<td>2024-02-{n + 1:02d}</td></tr>" for n in range(10))
    plan.accept(search, ListAnswer(status=200, body=f"<table>{rows}</table>共 2 页 共 12 条".encode()))
    second = plan.next_request()
    assert second is not None and dict(second.form)["currpage"] == "2"
    plan.accept(second, ListAnswer(status=200, body=b"<table><tr><td><a href='/art/2024/1/1/art_1229400846_99.html'>"
                                                    b"x</a></td></tr></table>"))
    assert plan.next_request() is None
    assert len(plan.outcome().refs) == 11


def test_trs_paging_relative_links_and_sidebars_of_other_columns() -> None:
    url = "https://www.example.gov.cn/zwgk/jhzj/index.html"
    items = "".join(f'<li><a href="./202403/t20240315_{n}.html">计划{n}</a><span>2024-03-15</span></li>' for n in range(5))
    page = (f'<html><body><ul class="list">{items}<li><a href="../../zwgk/jhzj/202402/t20240201_9.html">上级</a></li>'
            '<li><a href="https://other.gov.cn/zwgk/202401/t20240101_2.html">外站</a></li></ul>'
            '<div class="side"><ul><li><a href="/xwdt/202401/t20240101_1.html">热点</a></li></ul></div>'
            '<script>createPageHTML(3, 0, "index", "html");</script></body></html>')
    plan = read_one(url, page.encode())
    listing = plan.outcome()
    assert [r.url.rsplit("/", 2)[-2] + "/" + r.url.rsplit("/", 1)[-1] for r in listing.refs][:2] == \
        ["202403/t20240315_0.html", "202403/t20240315_1.html"]
    assert len(listing.refs) == 6 and not any("xwdt" in r.url for r in listing.refs)
    assert any("1 article links to other hosts" in n for n in listing.notes)
    nexts = [plan.next_request(), plan.next_request(), plan.next_request()]
    assert [r.url if r else None for r in nexts] == ["https://www.example.gov.cn/zwgk/jhzj/index_1.html",
                                                     "https://www.example.gov.cn/zwgk/jhzj/index_2.html", None]


def test_base_href_resolves_links() -> None:
    page = ('<html><head><base href="/jxssthjt/"></head><body><ul><li><a href="col/col1/content/content_123.html">'
            "一</a></li></ul></body></html>")
    listing = read_one("http://sthjt.jiangxi.gov.cn/jxssthjt/col/col1/index.html", page.encode()).outcome()
    assert [r.url for r in listing.refs] == ["http://sthjt.jiangxi.gov.cn/jxssthjt/col/col1/content/content_123.html"]


@pytest.mark.parametrize(("status", "body", "words"), [
    (412, b"<html><script>var $_ts=window['$_ts'];$_ts.nsd=1;</script></html>", "JavaScript cookie challenge (HTTP 412)"),
    (521, b"<html><script>document.cookie=('__jsl_clearance=1');location.href=location.pathname</script></html>",
     "JavaScript cookie challenge (HTTP 521)"),
    (200, b"<html><script>document.cookie='acw_sc__v2=5f';window.location.reload()</script></html>", "cookie challenge"),
    (200, "<html><body><form><img src='/captcha.jpg'><input name='code'>请输入验证码</form></body></html>".encode(),
     "CAPTCHA"),
    (200, "<html><head><title>用户登录</title></head><body><form><input type='password'></form></body></html>".encode(),
     "login wall"),
])
def test_challenges_login_walls_and_captchas_fail_the_portal(status: int, body: bytes, words: str) -> None:
    plan = ListingPlan("p", [COLUMN], ["www.example.gov.cn"])
    request = plan.next_request()
    assert request is not None
    plan.accept(request, ListAnswer(status=status, body=body, content_type="text/html; charset=utf-8",
                                    error=None if status == 200 else f"HTTP {status}"))
    listing = plan.outcome()
    assert listing.failed and words in listing.failed and not listing.complete and not listing.refs


def test_a_real_article_page_with_a_header_login_box_is_no_barrier() -> None:
    page = (REAL.parent / "real_pages" / "hanweb_art_jyt.zj.gov.cn_2024_meta_table.html").read_text(encoding="utf-8")
    with_login = page.replace("</body>", "<form><input type='text' name='u'><input type='password' name='p'></form></body>")
    assert barrier(200, with_login) is None
    assert barrier(404, "<html><body>404 Not Found</body></html>") is None


def test_nothing_listed_is_a_failed_portal_unless_its_columns_say_they_are_empty() -> None:
    empty = _column("<recordset></recordset><totalrecord>0</totalrecord>")
    assert read_one(COLUMN, empty).outcome().failed is None
    nothing = read_one(COLUMN, b"<html><body><p>\xe6\xac\xa2\xe8\xbf\x8e</p></body></html>").outcome()
    assert nothing.failed and "listed no article" in nothing.failed
    assert any("no list found on the page" in n for n in nothing.notes)


def test_a_configured_cms_that_the_page_contradicts_is_a_note() -> None:
    page = b"<html><body><script>loadPageData({webId:'1', pageId:'2', tplSetId:'3'});</script></body></html>"
    listing = read_one(COLUMN, page).outcome()
    assert any('configured as cms = "jcms", but the page is a jpaas list' in n for n in listing.notes)


def test_column_kinds_for_discover() -> None:
    assert column_kind(_column("<recordset></recordset>").decode(), COLUMN) == "jcms"
    assert column_kind("<script>loadPageData({webId:'1', pageId:'2', tplSetId:'3'})</script>", COLUMN) == "jpaas"
    assert column_kind("<iframe src='/module/xxgk/tree.jsp?area=1'></iframe>", COLUMN) == "xxgk"
    assert column_kind("<ul><li><a href='./202401/t20240101_1.html'>x</a></li></ul>", COLUMN) == "generic"


def test_attachments_answered_in_place_of_pages_are_named() -> None:
    assert attachment_kind(b"%PDF-1.7\n...", "text/html") == "PDF"
    assert attachment_kind(b"\xd0\xcf\x11\xe0\xa1\xb1", None) == "Word/Excel"
    assert attachment_kind(b"whatever", "application/msword") == "application/msword"
    assert attachment_kind(b"<html>", "text/html; charset=utf-8") is None


def test_robots_rules_as_sites_write_them_today() -> None:
    """RFC 9309: `*` and `$`, longest match wins. The standard library read `Disallow: /*.jsp$` literally."""
    rules = Protego.parse("User-agent: *\nDisallow: /*.jsp$\nDisallow: /private/\nAllow: /private/open/\n"
                          "Allow: /module/jpage/dataproxy.jsp$\nCrawl-delay: 2\n")
    assert not rules.can_fetch("https://x.gov.cn/module/xxgk/search.jsp", "zwgk")
    assert rules.can_fetch("https://x.gov.cn/module/xxgk/search.jsp?currpage=2", "zwgk")
    assert rules.can_fetch("https://x.gov.cn/module/jpage/dataproxy.jsp", "zwgk")
    assert not rules.can_fetch("https://x.gov.cn/private/a.html", "zwgk")
    assert rules.can_fetch("https://x.gov.cn/private/open/a.html", "zwgk")
    assert rules.crawl_delay("zwgk") == 2
