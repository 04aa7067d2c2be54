"""Golden tests of the cleaner: the seeds as text, as rendered by the mirror, and real portal pages."""

from __future__ import annotations

import contextlib
import re

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st

from mirror.server import Mirror
from transforms.clean import clean_page
from transforms.html_lines import HtmlError
from transforms.metadata import parse_label_line

from .conftest import FIXTURES, SEEDS

CHROME = ("浏览次数", "字体", "分享", "打印", "关闭", "当前位置", "版权所有", "ICP", "网站标识码", "查看隐藏内容", "索引号", "发布机构")


def ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def assert_no_chrome(body: str) -> None:
    for line in body.split("\n"):
        if len(line) < 60:
            assert not any(word in line for word in CHROME), line


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_seed_text_matches_gold(name: str, gold_documents: dict) -> None:
    doc = clean_page((SEEDS / name).read_bytes()).to_dict()
    gold = gold_documents[name]
    assert doc["metadata"] == gold["metadata"]
    assert ws(doc["body"]) == ws(gold["body"])
    assert_no_chrome(doc["body"])


def test_outline_levels_and_roles() -> None:
    doc = clean_page((SEEDS / "003_48ee3beea556918c.txt").read_bytes())
    outline = [(s.level, s.title, s.role) for s in doc.outline]
    assert outline[0] == (1, "一、2023年工作总结", "review")
    assert (2, "(一)稳字当头、转型引领,经济发展步履更加稳健", "review") in outline
    assert (1, "二、2024年工作思路", "plan") in outline
    assert all(role == "plan" for level, _, role in outline[outline.index((1, "二、2024年工作思路", "plan")):])
    doc4 = clean_page((SEEDS / "004_503b6d050b838749.txt").read_bytes())
    roles = {s.title: s.role for s in doc4.outline}
    assert roles["二、存在问题分析"] == "problems"
    assert roles["三、下步工作举措"] == "plan"


@pytest.fixture(scope="module")
def mirror():
    with Mirror() as m:
        yield m


def test_mirror_layouts_clean_to_the_seed(mirror: Mirror, gold_documents: dict) -> None:
    layouts = set()
    for article in mirror.articles:
        resp = requests.get(mirror.url(article.host, article.path), timeout=10)
        doc = clean_page(resp.content, resp.headers["Content-Type"]).to_dict()
        gold = gold_documents[article.seed]
        layouts.add(article.layout)
        assert ws(doc["body"]) == ws(gold["body"]), article.layout
        for field, value in gold["metadata"].items():
            if value not in (None, []):
                assert doc["metadata"][field] == value, (article.layout, field)
        assert_no_chrome(doc["body"])
    assert len(layouts) >= 3


REAL = {
    # the dates the pages print (the time 12:51 and 13:56:58 are only in <meta name=PubDate>)
    "hanweb_art_jyt.zj.gov.cn_2024_meta_table.html": ("全省教育系统师德师风建设专题培训班举办", "2024-10-21", "省教育厅", "共计230人参加培训"),
    "hanweb_art_jiangsu.gov.cn_2024.html": ("“奋进新征程——庆祝中华人民共和国成立75周年江苏省美术书法展”开幕", "2024-10-14 10:17", None, "展览将持续开放至10月13日"),
    "trs_art_shanxi.gov.cn.html": ("山西品牌丝路行（南美站）正式启动", "2019-09-18 06:23", None, "南美站活动将先后在巴西、乌拉圭、阿根廷举行"),
    "ucap_art_sc.gov.cn_xxgk_reply.html": ("四川省卫生健康委员会关于四川省第十四届人民代表大会第四次会议第14040218号建议的复函", "2025-06-03 13:44", None, "首先非常感谢您对全省医药健康产业发展的关心"),
}


@pytest.mark.parametrize("name", sorted(REAL))
def test_real_pages(name: str) -> None:
    title, published, publisher, sentence = REAL[name]
    doc = clean_page((FIXTURES / "real_pages" / name).read_bytes())
    assert doc.metadata["title"] == title
    assert doc.metadata["published_at"] == published
    if publisher:
        assert doc.metadata["publisher"] == publisher
    assert doc.body.count(sentence) == 1  # complete and once (the UCAP page prints it twice)
    assert_no_chrome(doc.body)
    assert "扫一扫" not in doc.body


def _page(body: str) -> bytes:
    return f"<html><head><title>标题测试页面</title></head><body>{body}</body></html>".encode()


PARAGRAPH = "全年完成规上工业总产值773.76亿元，同比增长4.2%，完成年度目标的101.5%。"


@pytest.mark.parametrize(("body", "method", "kept"), [
    # template rank: #zoom > .TRS_Editor > UCAP > .bt_content > .article-content, whatever the document order
    (f"<div class='TRS_Editor'><p>甲{PARAGRAPH}</p></div><div id='zoom'><p>乙{PARAGRAPH}</p></div>", "hanweb-zoom", "乙"),
    (f"<div class='article-content'><p>甲{PARAGRAPH}</p></div><div class='x TRS_Editor'><p>乙{PARAGRAPH}</p></div>",
     "trs-editor", "乙"),
    (f"<div class='article-content'><p>甲{PARAGRAPH}</p></div><div class='view TRS_UEDITOR trs_word'><p>乙{PARAGRAPH}</p>"
     "</div>", "trs-editor", "乙"),
    (f"<div class='bt_content'><p>甲{PARAGRAPH}</p></div><div id='UCAP-CONTENT'><p>乙{PARAGRAPH}</p></div>", "ucap", "乙"),
    # two UCAP candidates: the first in the document wins, tag or id
    (f"<ucapcontent><p>甲{PARAGRAPH}</p></ucapcontent><div id='cmsArticleContent'><p>乙{PARAGRAPH}</p></div>", "ucap",
     "甲"),
    (f"<div class='article-body'><p>甲{PARAGRAPH}</p></div><td class='bt_content'><p>乙{PARAGRAPH}</p></td>",
     "hanweb-bt-content", "乙"),
    (f"<div class='nav'><p>导航</p></div><div class='article-body main'><p>乙{PARAGRAPH}</p></div>", "article-content", "乙"),
    # a class that only contains a template's name is not that template
    (f"<div class='article-contents'><p>乙{PARAGRAPH}</p><p>{PARAGRAPH * 2}</p></div>", "density", "乙"),
    (f"<div><span>乙{PARAGRAPH}</span></div>", "lines", "乙"),
    (f"<div id='zoom'><!--ZJEG_RSS.content.begin--><p>乙{PARAGRAPH}</p><!--ZJEG_RSS.content.end--></div>"
     f"<div class='TRS_Editor'><p>甲{PARAGRAPH}</p></div>", "hanweb-markers", "乙"),
])
def test_content_is_found_by_template_rank(body: str, method: str, kept: str) -> None:
    doc = clean_page(_page(body))
    assert doc.method == method
    assert kept + PARAGRAPH in doc.body
    if method != "lines":
        assert ({"甲", "乙"} - {kept}).pop() + PARAGRAPH not in doc.body


def test_hidden_elements_never_reach_the_body() -> None:
    doc = clean_page(_page(
        f"<div id='zoom'><p>{PARAGRAPH}</p><p style='display: none'>隐藏一</p><p STYLE='DISPLAY:NONE'>隐藏二</p>"
        "<div style='visibility : Hidden'><p>隐藏三</p></div><p hidden>隐藏四</p>"
        "<span style='color:red'>可见样式</span>尾巴<div style='color:red'><p>块一</p><p style='display:none'>隐藏五</p>"
        "<script>bad()</script></div><table><tr><td style='font-weight:bold'>格一</td><td>格二</td></tr></table>"
        "<p style='Display:None'>隐藏六</p><p style='border:none'>无边框</p></div>"
    ))
    assert doc.body.split("\n") == [PARAGRAPH, "可见样式尾巴", "块一", "格一 | 格二", "无边框"]


def test_hiding_classes_hide() -> None:
    """AngularJS ng-hide and Bootstrap hide/hidden are display:none; responsive classes show on a desktop."""
    doc = clean_page(_page(
        f"<div id='zoom'><p>{PARAGRAPH}</p><div class='ng-hide'><p>隐藏一</p></div><p class='x hidden'>隐藏二</p>"
        "<span class='hide'>隐藏三</span><p class='hidden-xs'>可见一</p><p class='am-hide-sm-only'>可见二</p></div>"
        "<style>.ng-hide{display:none}</style>"
    ))
    assert doc.body.split("\n") == [PARAGRAPH, "可见一", "可见二"]


ARTICLE = [f"第{n}段，{PARAGRAPH}" for n in "一二三四"]
_NAV = "".join(f"<li><a href='/a{i}'>国家部委关于进一步加强基层治理工作的第{i}号通知和解读</a></li>" for i in range(12))
_TAIL = ("<div class='links'><h3>相关链接</h3><ul><li>某县召开统计工作会议，部署下半年重点工作</li></ul></div>"
         "<div class='bottom'><p>版权声明</p><p>凡本网注明来源的作品，版权均属本网所有，未经授权不得转载、摘编或利用其它方式使用上述作品。</p>"
         "<p>网站标识码：3300000000 浙ICP备00000000号</p></div>")


def _unknown_layout(article: str, *, twice: bool = False) -> bytes:
    copy = f"<h1>统计局召开年中工作会议</h1><p>发布时间：2024-07-30 来源：统计局</p>{article}"
    body = (f"<div class='nav'><ul>{_NAV}</ul><div class='menu-panel'><p>主要职责：负责全县统计工作，组织实施各项统计调查，"
            f"发布统计数据和统计公报。</p></div></div><div class='pc'>{copy}</div>")
    if twice:
        body += f"<div class='mobile'>{copy}</div>"
    return (f"<html><head><title>统计局召开年中工作会议_工作动态_某县人民政府</title></head><body>{body}{_TAIL}"
            "</body></html>").encode()


@pytest.mark.parametrize("article", [
    "".join(f"<p>{text}</p>" for text in ARTICLE),
    # paragraphs as <br> runs, in sections of WeChat's editor, shredded into spans, in table cells
    "<div class='con'>" + "<br><br>".join(ARTICLE) + "</div>",
    "<div>" + "".join(f"<section><section><section><p>{text}</p></section></section></section>" for text in ARTICLE) + "</div>",
    "<div>" + "".join("<p>" + "".join(f"<span data-index='9'>{char}</span>" for char in text) + "</p>" for text in ARTICLE)
    + "</div>",
    "<div><table>" + "".join(f"<tr><td><p>{text}</p></td></tr>" for text in ARTICLE) + "</table></div>",
])
def test_density_finds_the_article_of_an_unknown_layout(article: str) -> None:
    """Whatever carries the paragraphs: menus before the title, links and legal notices after it stay out."""
    doc = clean_page(_unknown_layout(article))
    assert doc.method == "density"
    assert doc.metadata["title"] == "统计局召开年中工作会议"
    assert doc.metadata["published_at"] == "2024-07-30"
    assert doc.body.split("\n") == ARTICLE


def test_density_finds_the_article_when_the_title_shows_only_after_it() -> None:
    """The title's first occurrence is a link after the article, followed by a footer with prose of its own."""
    html = ("<html><head><meta name='ArticleTitle' content='统计局召开年中工作会议'></head><body>"
            f"<div class='main'>{''.join(f'<p>{text}</p>' for text in ARTICLE)}</div>"
            "<div class='side'><ul><li><a href='/1'>统计局召开年中工作会议</a></li></ul></div>"
            "<div class='foot'><p>本网站所载内容，凡注明来源的作品，版权均属本网所有，未经授权不得转载、摘编或利用其它方式使用；"
            "已经授权使用作品的，应在授权范围内使用，并注明来源。</p></div>"
            "</body></html>")
    doc = clean_page(html.encode())
    assert (doc.method, doc.body.split("\n")) == ("density", ARTICLE)


def test_density_takes_one_copy_of_an_article_printed_twice() -> None:
    doc = clean_page(_unknown_layout("".join(f"<p>{text}</p>" for text in ARTICLE), twice=True))
    assert doc.body.split("\n") == ARTICLE


@pytest.mark.parametrize("chrome", [
    "扫一扫在手机打开当前页", "微信扫一扫分享", "用微信扫一扫，点击右上角分享按钮，将本文分享给您的好友或朋友圈。", "关注微信公众号",
    "下载“浙里办”APP", "网站地图| 联系我们| 隐私声明", "【返回顶部】 【关闭窗口】 【打印本页】", "打印 微博 QQ空间", "分享到微信",
    "责任编辑：张家祺", "审核：李四", "（责任编辑：张家祺）", "Copyright © 2024 某县人民政府", "【我要纠错】 【打印】 【关闭】",
    "分享至：微信 微博",
])
def test_chrome_lines_inside_the_content_are_dropped(chrome: str) -> None:
    doc = clean_page(_page(f"<div id='zoom'><p>{PARAGRAPH}</p><p>{chrome}</p><p>第二段{PARAGRAPH}</p></div>"))
    assert doc.body.split("\n") == [PARAGRAPH, "第二段" + PARAGRAPH]


@pytest.mark.parametrize("text", [
    "关注群众诉求，畅通微信、微博等渠道", "群众只需扫一扫二维码即可办理", "参赛作品版权归主办方所有。", "是否支持IPv6 | 是",
    "相关工作稳步推进。", "分管领导审核把关，确保数据质量。",
])
def test_report_lines_that_name_chrome_words_stay(text: str) -> None:
    doc = clean_page(_page(f"<div id='zoom'><p>{PARAGRAPH}</p><p>{text}</p></div>"))
    assert doc.body.split("\n") == [PARAGRAPH, text]


def test_a_related_links_heading_ends_the_content() -> None:
    doc = clean_page(_page(f"<div id='zoom'><p>{PARAGRAPH}</p><h3>相关链接</h3><p>县政府召开常务会议研究部署下半年经济工作，"
                           "要求各部门抓好落实。</p><p>上一篇：关于做好防汛工作的通知</p></div>"))
    assert doc.body == PARAGRAPH


def test_the_title_printed_over_lines_above_the_body_is_dropped() -> None:
    html = ("<html><head><meta name='ArticleTitle' content='行政处罚信息公开表（罚决字〔2024〕52号）'></head><body>"
            f"<div id='zoom'><p>行政处罚信息公开表<br>（罚决字〔2024〕52号）</p><p>{PARAGRAPH}</p></div></body></html>")
    assert clean_page(html.encode()).body == PARAGRAPH


@pytest.mark.parametrize(("head", "markup", "title"), [
    # the longest candidate <title> holds: not the site's logo
    ("统计局召开年中工作会议 - 某县人民政府门户网站", "<h1><a href='/'>某县人民政府</a></h1><h2>统计局召开年中工作会议</h2>",
     "统计局召开年中工作会议"),
    # <title> names only the site: the first candidate that is no item of a list
    ("某县人民政府", "".join(f"<span class='title'><em>新闻标题第{i}条内容</em></span>" for i in range(3))
     + "<div class='wenzhang-title'>统计局召开年中工作会议</div>", "统计局召开年中工作会议"),
    # <title> holding the editor's markup as text
    ("&lt;h1 style='margin:0'&gt;&lt;span&gt;统计局召开年中工作会议&lt;/span&gt;&lt;/h1&gt;",
     "<h1 class='content-title'><h1><b><span>统计局召开年中工作会议</span></b></h1></h1>", "统计局召开年中工作会议"),
    # a title class beside the heading (NewsTitle, p.tit), the date printed in the heading
    ("某县人民政府", "<table><tr><td class='NewsTitle'>统计局召开年中工作会议</td></tr></table>", "统计局召开年中工作会议"),
    ("工作动态_某县人民政府", "<h2 id='ivs_title'>统计局召开年中工作会议 ( 2024-07-30)</h2>", "统计局召开年中工作会议"),
])
def test_title_from_markup(head: str, markup: str, title: str) -> None:
    html = (f"<html><head><title>{head}</title></head><body>{markup}<div id='zoom'><p>{PARAGRAPH}</p></div>"
            "</body></html>")
    doc = clean_page(html.encode())
    assert doc.metadata["title"] == title
    assert doc.body == PARAGRAPH


def test_header_lines_that_differ_only_in_digits_keep_their_own_values() -> None:
    """Lines of one digit shape share a parse (every page's dates and index numbers): values stay each line's own."""
    lines = {
        "成文日期: 2021-12-05 | 索引号: 113302/2021-00042": [("written_date", "2021-12-05"), ("index_no", "113302/2021-00042")],
        "成文日期: 2023-07-19 | 索引号: 987654/2023-31337": [("written_date", "2023-07-19"), ("index_no", "987654/2023-31337")],
        "成文日期: ２０２３-０７-１９": [("written_date", "２０２３-０７-１９")],
        "索引号 | 113302/2021-1 | 2 号 | 发布机构 | 区政府": [("index_no", "113302/2021-1 2 号"), ("publisher", "区政府")],
        "索引号 | 113302/2021-9 | 8 号 | 发布机构 | 区政府": [("index_no", "113302/2021-9 8 号"), ("publisher", "区政府")],
        "2021 | 113302/2021-9": None,
    }
    for line, pairs in lines.items():
        assert parse_label_line(line) == pairs, line
    for header, dates in (("成文日期：2023年7月9日\n发布日期：2023-7-9 14:05", ("2023-07-09", "2023-07-09 14:05")),
                          ("成文日期：２０２３年７月９日\n发布日期：2023/07/19", ("2023-07-09", "2023-07-19"))):
        doc = clean_page(header + "\n一、正文段落内容在这里。")
        assert (doc.metadata["written_date"], doc.metadata["published_at"]) == dates


_HEAD = "<meta name='PubDate' content='2023-05-12 23:20'><meta name='ContentSource' content='省统计局综合处'>"


@pytest.mark.parametrize(("header", "expected"), [
    # the page's own date wins over the tag (a re-publication time), with the time only when the page prints one
    ("<p>发布时间：2009-09-30 10:53 来源：北京通信管理局</p>", {"published_at": "2009-09-30 10:53"}),
    ("<p>来源：广州市南沙区统计局发布日期：2024-06-05 【浏览字号 :大 中 小】</p>",
     {"published_at": "2024-06-05", "source": "广州市南沙区统计局"}),
    ("<p>青岛政务网 发布日期 : 2022-12-06 来源 : 青岛市司法局</p>", {"published_at": "2022-12-06", "source": "青岛市司法局"}),
    # a byline's unlabelled date: after a name, before the first label, on a line of its own under the title
    ("<p>来源：云南日报 2016-08-11 08:13:00 【字体：大 中 小】</p>",
     {"published_at": "2016-08-11 08:13:00", "source": "云南日报"}),
    ("<p>2022-05-07&#32;00:00　来源：机关党委 阅读:</p>", {"published_at": "2022-05-07 00:00", "source": "机关党委"}),
    ("<p>听全文</p><p>2025年06月03日 13时44分</p>", {"published_at": "2025-06-03 13:44"}),
    # a header row of labels with its values in the row below
    ("<table><tr><th>索取号</th><th>发布时间</th><th>发布机构</th><th>文件编号</th><th>备注</th></tr>"
     "<tr><td>076478684Q/2024-00112</td><td></td><td>市卫生健康委员会</td><td>沪卫基层〔2024〕5号</td><td></td></tr></table>",
     {"index_no": "076478684Q/2024-00112", "publisher": "市卫生健康委员会", "doc_no": "沪卫基层〔2024〕5号",
      "published_at": "2023-05-12 23:20"}),
    # <dl> labels with the value on the next line; an issue or generation date stands in for the publication date
    ("<dl><dd><label>索 引 号：</label><div>014742224A/2023-0043406</div></dd><dd><label>生成日期：</label>"
     "<div>2023-05-11</div></dd><dd><label>文号：</label></dd><dd><label>责任部门：</label><div>县统计局</div></dd></dl>",
     {"index_no": "014742224A/2023-0043406", "written_date": "2023-05-11", "published_at": "2023-05-11",
      "publisher": "县统计局", "doc_no": None}),
    # ... but a drafting date never does, and a source cut short on the page is the tag's
    ("<p>成文日期：2023-05-11</p><p>来源：省统计局...</p>",
     {"written_date": "2023-05-11", "published_at": "2023-05-12 23:20", "source": "省统计局综合处"}),
])
def test_header_values_the_page_states(header: str, expected: dict) -> None:
    html = (f"<html><head>{_HEAD}</head><body><h1>统计局召开业务培训会</h1>{header}"
            f"<div id='zoom'><p>{PARAGRAPH}</p></div></body></html>")
    doc = clean_page(html.encode())
    assert {field: doc.metadata[field] for field in expected} == expected
    assert doc.body == PARAGRAPH


def test_a_work_plans_responsible_units_stay_in_its_text() -> None:
    """责任部门 is a header label only alone on its line above the body: in a plan it follows every task."""
    body = [f"一、推进项目建设。{PARAGRAPH}", "责任部门：县发改局", f"二、优化营商环境。{PARAGRAPH}", "责任部门：县市场监管局"]
    doc = clean_page(_page("<div id='zoom'>" + "".join(f"<p>{line}</p>" for line in body) + "</div>"))
    assert doc.body.split("\n") == body
    assert doc.metadata["publisher"] is None


def test_page_bytes_and_page_text_clean_alike() -> None:
    """A UTF-8 page is parsed from its own bytes: marks, NULs and invalid bytes are handled as for its text."""
    html = "<html><body><div id='zoom'><p>正文\ufdd0内容\x00一段</p><p>第二\ufdd1段</p><p>（三）\u3000全角\xa0空格</p></div></body></html>"
    expected = clean_page(html).to_dict()
    assert expected["body"] == "正文内容一段\n第二段\n（三） 全角 空格"
    assert clean_page(html.encode()).to_dict() == expected
    assert clean_page(b"\xef\xbb\xbf" + html.encode()).to_dict() == expected
    broken = html.replace("\x00", "").encode().replace("内容".encode(), b"\xff")  # not UTF-8: decoded with U+FFFD
    assert clean_page(broken).body.startswith("正文\ufffd一段")


def test_gbk_page_decodes() -> None:
    html = "<html><head><meta charset='gb2312'></head><body><div id='zoom'><p>全年完成规上工业总产值773.76亿元。</p></div></body></html>"
    doc = clean_page(html.encode("gb18030"))
    assert "规上工业总产值773.76亿元" in doc.body


def test_utf8_page_labelled_gbk_decodes_as_utf8() -> None:
    """An old template's gb2312 label on a UTF-8 page: GB18030 would decode the bytes, into garbage."""
    html = "<html><head><meta charset='gb2312'></head><body><div id='zoom'><p>经济运行工作总结</p></div></body></html>"
    assert html.encode("utf-8").decode("gb18030")  # decodes, as 缁忔祹杩愯...
    for content_type in (None, "text/html; charset=GBK"):
        assert clean_page(html.encode("utf-8"), content_type).body == "经济运行工作总结"
    assert clean_page(html.encode("gb18030"), "text/html; charset=utf-8").body == "经济运行工作总结"


def test_hostile_inputs_end_cleanly() -> None:
    deep = "<div>" * 5000 + "<p>正文内容测试段落</p>" + "</div>" * 5000
    clean_page(deep.encode())
    script = "<html><body><script>alert('规上工业总产值1亿元')</script><style>p{}</style><div id='zoom'><p>正文\u200b内容</p></div></body></html>"
    assert "alert" not in clean_page(script.encode()).body
    assert clean_page(b"<html><body></body></html>").body == ""
    big = "<html><body><div id='zoom'>" + "<p>段落文字内容。</p>" * 200_000 + "</div></body></html>"
    assert len(big) > 2_500_000
    assert clean_page(big.encode()).body.startswith("段落文字内容。")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=400))
def test_cleaner_never_crashes_on_text(text: str) -> None:
    with contextlib.suppress(HtmlError):
        clean_page(text)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=600))
def test_cleaner_never_crashes_on_bytes(data: bytes) -> None:
    with contextlib.suppress(HtmlError, ValueError):
        clean_page(b"<html><body>" + data + b"</body></html>")
