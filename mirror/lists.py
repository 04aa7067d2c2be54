"""List pages as the portals' CMSs write them, for the mirror's hosts of each kind.

- `jcms`: our long-standing JCMS markup (`<totalrecord>` in the datastore, tidy records);
- `jcms-pinned`: JCMS as real Zhejiang column pages write it: the total only in the jpage call, records in messy but
  valid markup (attributes across lines, single and no quotes, wrappers), a pinned record first that the total does
  not count, and dataproxy windows that overlap their neighbours;
- `jpaas`: a column page that only declares its unit (unitbuild.js `queryData`, or `loadPageData({...})`), and the
  unit endpoint answering `{"data": {"html": …}}` page by page;
- `xxgk`: a 政府信息公开 catalogue column naming its search, and `search.jsp` answering by `currpage`;
- `trs`: a TRS WCM list, `createPageHTML(pages, current, "index", "html")` and index_N.html pages;
- `challenge`: an anti-bot service answering every page with a 412 and a cookie-setting script.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from html import escape

JPAAS_WEB_ID = "3549"
JPAAS_TPL_SET = "zfHuDn7pjzPV0dB1wLhu9"
JPAAS_UNIT = "/api-gateway/jpaas-publish-server/front/page/build/unit"
JPAAS_PAGE_SIZE = 10
XXGK_AREA = "11330683002512345X"
XXGK_PER_PAGE = 10
TRS_PER_PAGE = 10
PINNED_PERPAGE = 15
CHALLENGE_BODY = (
    b'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
    b"<script>var $_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84523;$_ts.cd=\"qxAvrrA3WGqmDEr\";"
    b'document.cookie="FSSBBIl1UgzbN7N80S=" + $_ts.cd + "; path=/";</script>'
    b'<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/d.FxJzG50F.dfe1675.js" r="m"></script>'
    b"</head><body></body></html>"
)


@dataclass(frozen=True)
class Entry:
    path: str
    title: str
    date: str


def _page(title: str, inner: str) -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{escape(title)}</title></head><body>'
            '<div class="bread">当前位置：<a href="/">首页</a> &gt; 政务公开 &gt; 计划总结</div>'
            f"{inner}<div class=\"footer\">版权所有</div></body></html>")


# -- JCMS as real column pages write it ----------------------------------------------------------------------------
def _messy_record(entry: Entry, n: int, pinned: bool = False) -> str:
    """Valid markup a browser accepts, in the shapes real records take."""
    title = escape(entry.title)
    shapes = (
        f'<li><span class="bt-data-time">{entry.date}</span><a\n   href="{entry.path}"\n   title="{title}"'
        f' target="_blank">{title}</a></li>',
        f"<li class='list-item'><a href='{entry.path}' target=_blank title='{title}'>{title}</a>"
        f"<span>{entry.date}</span></li>",
        f'<div class="item"><p><a href={entry.path} title="{title}" >{title[:12]}...</a></p><i>{entry.date}</i></div>',
        f'<table><tr><td><a title = "{title}"  href = "{entry.path}">{title}</a></td><td>[{entry.date}]</td></tr></table>',
    )
    if pinned:
        return f'<record><![CDATA[\n<li class="top"><em>[置顶]</em><a href="{entry.path}" title="{title}">{title}</a>' \
               f"<span>{entry.date}</span></li>\n]]></record>"
    return f"<record><![CDATA[\n{shapes[n % len(shapes)]}\n]]></record>"


def jcms_pinned_column(column: str, unit: str, pinned: list[Entry], counted: list[Entry]) -> str:
    records = [_messy_record(e, 0, pinned=True) for e in pinned]
    records += [_messy_record(e, n) for n, e in enumerate(counted[:PINNED_PERPAGE])]
    params = (f"{{col:1,appid:1,webid:2754,path:'/',columnid:{column},sourceContentType:1,unitid:'{unit}',"
              "webname:'镜像街道',permissiontype:0}")
    return _page("计划总结", (
        f'<div id="{unit}"><script type="text/xml"><datastore>\n<nextgroup><![CDATA[<a href="/module/web/jpage/'
        f'dataproxy.jsp"></a>]]></nextgroup>\n<recordset>\n{"".join(records)}\n</recordset>\n</datastore></script></div>'
        '<script language="javascript" src="/module/jslib/jquery/jpage/jquery.page.min.js"></script>'
        f"<script>$(function(){{\n $('#{unit}').jpage({{\n  dataStore : dataStore,\n  perPage : {PINNED_PERPAGE},\n"
        f"  totalRecord : {len(counted)},\n  groupSize : 3,\n  proxyUrl : '/module/web/jpage/dataproxy.jsp',\n"
        f"  ajaxParam : {params}\n }});\n}});</script>"))


def jcms_pinned_window(counted: list[Entry], start: int, end: int) -> str:
    """Records start..end of the counted ones, with two more on each side: neighbouring windows overlap."""
    picked = counted[max(start - 3, 0) : end + 2]
    records = "".join(_messy_record(e, n) for n, e in enumerate(picked))
    return f"<datastore><totalrecord>{len(counted)}</totalrecord><recordset>{records}</recordset></datastore>"


# -- jpaas -----------------------------------------------------------------------------------------------------------
def jpaas_column(page_id: str, declaration: str) -> str:
    """`declaration`: "unitbuild" (a script tag with queryData) or "loadpagedata" (a call)."""
    query = (f"{{'webId':'{JPAAS_WEB_ID}','pageId':'{page_id}','tplSetId':'{JPAAS_TPL_SET}','tagId':'当前栏目list',"
             f"'pageType':'column','parseType':'bulidstatic','editType':'null',"
             f"'paramJson':'{{\"pageNo\":1,\"pageSize\":{JPAAS_PAGE_SIZE}}}'}}")
    if declaration == "unitbuild":
        script = (f'<script type="text/javascript" src="/module/jpaas/js/unitbuild.js" url="{JPAAS_UNIT}" '
                  f'queryData="{escape(query)}"></script>')
    else:
        script = ("<script>loadPageData({webId: '" + JPAAS_WEB_ID + "', pageId: '" + page_id + "', tplSetId: '"
                  + JPAAS_TPL_SET + "', tagId: '栏目列表', pageType: 'column', parseType: 'bulidstatic'});</script>")
    return _page("工作总结", f'<div class="list-box" id="unit-{page_id}"></div>{script}')


def jpaas_unit_answer(listed: list[Entry], page_no: int, page_size: int) -> bytes:
    chunk = listed[(page_no - 1) * page_size : page_no * page_size]
    items = "".join(f'<li><a href="{e.path}" title="{escape(e.title)}" target="_blank">{escape(e.title)}</a>'
                    f"<span>{e.date}</span></li>" for e in chunk)
    html = f'<ul class="list">{items}</ul>' if chunk else ""
    return json.dumps({"success": True, "code": 200, "data": {"html": html}}, ensure_ascii=False).encode("utf-8")


# -- xxgk ------------------------------------------------------------------------------------------------------------
def xxgk_column(column: str, infotype: str) -> str:
    return _page("政府信息公开", (
        f'<div class="xxgk-tree"><iframe src="/module/xxgk/tree.jsp?area={XXGK_AREA}&divid=div{column}&standardXxgk=1">'
        f'</iframe></div><div id="div{column}"></div>'
        f"<script>$(function(){{ $('#div{column}').load('/module/xxgk/search.jsp', {{infotypeId: '{infotype}', "
        f"jdid: '2754', area: '{XXGK_AREA}', divid: 'div{column}', sortfield: 'compaltedate:0', currpage: 1}}); }});"
        "</script>"))


def xxgk_search_answer(listed: list[Entry], page: int) -> str:
    pages = max(1, math.ceil(len(listed) / XXGK_PER_PAGE))
    chunk = listed[(page - 1) * XXGK_PER_PAGE : page * XXGK_PER_PAGE]
    rows = "".join(f"<tr class='tr_main_value_{'odd' if n % 2 else 'even'}'><td><a href='{e.path}' target='_blank' "
                   f"title='{escape(e.title)}'>{escape(e.title)}</a></td><td>{e.date}</td></tr>"
                   for n, e in enumerate(chunk))
    return (f'<table class="xxgk-list"><tr><th>名称</th><th>日期</th></tr>{rows}</table>'
            f'<div class="page">共 {pages} 页 共 {len(listed)} 条 <a href="javascript:void(0)">下一页</a></div>')


# -- TRS -------------------------------------------------------------------------------------------------------------
def trs_list(listed: list[Entry], index: int) -> str:
    pages = max(1, math.ceil(len(listed) / TRS_PER_PAGE))
    chunk = listed[index * TRS_PER_PAGE : (index + 1) * TRS_PER_PAGE]
    items = "".join(f'<li><a href=".{e.path[e.path.rindex("/", 0, e.path.rindex("/")):]}" target="_blank">'
                    f"{escape(e.title)}</a><span>{e.date}</span></li>" for e in chunk)
    side = '<div class="side"><h3>热点</h3><ul><li><a href="/zwgk/xwdt/202401/t20240101_1.html">热点新闻</a></li></ul></div>'
    return _page("计划总结", (
        f'<ul class="list">{items}</ul>{side}<div class="page"><script>var countPage = {pages};'
        f'var currentPage = {index};createPageHTML(countPage, currentPage, "index", "html");</script></div>'))
