"""Render a report (metadata + body) as an article page in the markups real portals use."""

from __future__ import annotations

from html import escape
from typing import Any

LABELS = {
    "index_no": "索引号", "publisher": "发布机构", "disclosure": "公开方式", "scope": "公开范围",
    "topic": "主题分类", "category": "组配分类", "doc_no": "文件编号", "written_date": "成文日期",
}
FOOTER = (
    '<div class="footer"><p>主办单位：{site}　<a href="/sitemap.html">网站地图</a> <a href="/contact.html">联系我们</a></p>'
    "<p>版权所有 © {site}　浙ICP备05003451号　浙公网安备 33060202000123号　网站标识码：3306000001</p></div>"
)
SHARE = '<div class="share">分享到：<a class="wx">微信</a> <a class="wb">微博</a></div>'
PRINT_CLOSE = '<div class="print"><a href="javascript:window.print()">【打印本页】</a><a href="javascript:window.close()">【关闭本页】</a></div>'
_SCRIPT = '<script>var hits = 0; document.write("<span>" + hits + "</span>");</script>'


def _paragraphs(body: str) -> str:
    return "\n".join(f"<p>{escape(line)}</p>" for line in body.split("\n") if line.strip())


def _breadcrumb(column_path: list[str]) -> str:
    parts = ['<a href="/">首页</a>'] + [f"<a>{escape(p)}</a>" for p in column_path]
    return '<div class="bread">当前位置：' + " &gt; ".join(parts) + "</div>"


def _page(title: str, head_meta: str, inner: str) -> str:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title>{head_meta}"
        '<style>.xxgk td{border:1px solid #ccc}</style><script src="/static/js/jquery.js"></script></head>'
        f'<body><div class="top"><a href="/">网站首页</a> <a href="/col/xxgk.html">政务公开</a></div>{inner}</body></html>'
    )


def hanweb_xxgk(meta: dict[str, Any], body: str, site: str) -> str:
    """Zhejiang JCMS: table.xxgk with `label: value` in one cell, #zoom between ZJEG_RSS markers."""
    cells = [f"<td>{LABELS[k]}: {escape(str(meta[k]))}</td>" for k in LABELS if meta.get(k)]
    rows = "".join("<tr>" + "".join(cells[i : i + 3]) + "</tr>" for i in range(0, len(cells), 3))
    byline = []
    if meta.get("published_at"):
        byline.append(f"<td>发布日期：{escape(meta['published_at'])}</td>")
    if meta.get("source"):
        byline.append(f"<td>来源：{escape(meta['source'])}</td>")
    byline.append(f"<td>浏览次数：{_SCRIPT}</td>")
    byline.append('<td>字体：[ <a href="javascript:doZoom(16)">大</a> <a>中</a> <a>小</a> ]</td>')
    title = meta.get("title") or ""
    inner = (
        _breadcrumb(meta.get("column_path") or [])
        + f'<table class="xxgk">{rows}</table>'
        + f'<table id="c"><tr><td class="title">{escape(title)}</td></tr>'
        + f"<tr><td><table><tr>{''.join(byline)}</tr></table></td></tr>"
        + '<tr><td class="bt_content"><div id="zoom"><!--ZJEG_RSS.content.begin--><meta name="ContentStart">'
        + _paragraphs(body)
        + '<meta name="ContentEnd"><!--ZJEG_RSS.content.end--></div></td></tr></table>'
        + SHARE + PRINT_CLOSE + FOOTER.format(site=escape(site))
    )
    return _page(title, "", inner)


def label_cells(meta: dict[str, Any], body: str, site: str, twice: bool = False) -> str:
    """Label-cell/value-cell table (`<td>索引号</td><td>...</td>`); optionally printed twice, wide then narrow."""
    items = [(LABELS[k], str(meta[k])) for k in LABELS if meta.get(k)]
    if meta.get("published_at"):
        items.append(("公开日期", meta["published_at"]))
    wide = "".join(
        "<tr>" + "".join(f"<th>{escape(lb)}</th><td>{escape(v)}</td>" for lb, v in items[i : i + 2]) + "</tr>"
        for i in range(0, len(items), 2)
    )
    narrow = "".join(f"<tr><th>{escape(lb)}</th><td>{escape(v)}</td></tr>" for lb, v in items)
    tables = f'<table class="xxgk-wide">{wide}</table>'
    if twice:
        tables += f'<table class="xxgk-narrow mobile-only">{narrow}</table>'
    title = meta.get("title") or ""
    heading = f'<h1 class="article-title">{escape(title)}</h1>' if title else ""
    byline = f'<div class="info">浏览次数：{_SCRIPT} <span>字体：【大 中 小】</span> <a href="javascript:window.print()">打印</a></div>'
    inner = (
        _breadcrumb(meta.get("column_path") or [])
        + tables + heading + byline
        + f'<div class="article-content">{_paragraphs(body)}</div>'
        + SHARE + PRINT_CLOSE + FOOTER.format(site=escape(site))
    )
    return _page(title, "", inner)


def trs_editor(meta: dict[str, Any], body: str, site: str) -> str:
    """TRS WCM: meta tags in <head>, byline in .detail-article-infos, body in div.TRS_Editor."""
    title = meta.get("title") or ""
    head = f'<meta name="ArticleTitle" content="{escape(title)}">' if title else ""
    if meta.get("published_at"):
        head += f'<meta name="PubDate" content="{escape(meta["published_at"])}">'
    if meta.get("source"):
        head += f'<meta name="ContentSource" content="{escape(meta["source"])}">'
    cells = "".join(f"<li><span>{LABELS[k]}：</span><span>{escape(str(meta[k]))}</span></li>" for k in LABELS if meta.get(k))
    inner = (
        '<div class="crumb">您的位置：<a href="/">首页</a>'
        + "".join(f" &gt; <a>{escape(p)}</a>" for p in meta.get("column_path") or [])
        + f'</div><ul class="xxgk-info">{cells}</ul>'
        + f'<div class="detail-article-title"><h2>{escape(title)}</h2></div>'
        + '<div class="detail-article-infos"><span>时间：'
        + escape(meta.get("published_at") or "")
        + "</span> <span>来源："
        + escape(meta.get("source") or "")
        + f'</span> <span>浏览次数：{_SCRIPT}</span> <span class="func">打印 字体：<a>放大</a> <a>正常</a> <a>缩小</a> 分享</span></div>'
        + f'<div class="article-body"><div class="TRS_Editor">{_paragraphs(body)}</div></div>'
        + '<div class="qr">扫一扫在手机打开当前页面</div>' + SHARE + PRINT_CLOSE + FOOTER.format(site=escape(site))
    )
    return _page(title, head, inner)


def mirror_site(meta: dict[str, Any], body: str, site: str) -> str:
    """A third-party mirror of a report: login wall and masked figures, no header table."""
    title = meta.get("title") or ""
    inner = (
        f'<div class="post"><h1>{escape(title)}</h1>'
        '<div class="login-wall"><a href="/login">查看隐藏内容(*)需先登录</a></div>'
        '<div class="post-body">***.******.***' + _paragraphs(body) + "***.******.***</div></div>"
        + f'<div class="footer">版权所有 {escape(site)} 京ICP备12345678号</div>'
    )
    return _page(title, "", inner)


LAYOUTS = {
    "hanweb-xxgk": hanweb_xxgk,
    "label-cells": label_cells,
    "label-cells-twice": lambda m, b, s: label_cells(m, b, s, twice=True),
    "trs": trs_editor,
    "mirror-site": mirror_site,
}


def render(layout: str, meta: dict[str, Any], body: str, site: str) -> str:
    return LAYOUTS[layout](meta, body, site)
