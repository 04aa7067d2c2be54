"""Report text as the number grammar reads it, mapped back to the text as written.

Pages reach the extractor as they were published or mirrored: a PDF's lines broken at the margin (`实现工` /
`业总产值 52.3 亿元`), spaces around numbers, page markers of document-sharing sites, traditional characters with
inline pinyin (`經(jīng)濟`), a site's watermark glued to every line. The grammar reads one clean, simplified
line of prose per paragraph (a passage); every position in it maps back to the text as written, so a quote
or a raw figure is cut from the page's own characters, and a name is given back in the page's own script.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from opencc import OpenCC

from transforms.lexicon import alternation, words
from transforms.outline import heading

_FULLWIDTH = str.maketrans("０１２３４５６７８９．％﹪～－＊", "0123456789.%%~-*")  # ﹪: the small form
_HAS_FULLWIDTH = re.compile("[０-９．％﹪～－＊]")
# whitespace inside a paragraph, zero-width marks, pinyin written after a character: (jīng), (xiàn)
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
# (reposts also write it toneless after every character: 實(shi)現, 區(qu)(qu): lower case only, GDP and AED stay)
_DROPPED = re.compile(
    rf"[\s\u200b\u200c\u200d\u2060\ufeff]+|[(（][a-zü]{{0,6}}[{_TONED}][a-zü{_TONED}]{{0,6}}[)）]"
    r"|(?<=[\u4e00-\u9fff)])[(（][a-z]{1,6}[)）]"
)
_ENDS_PARAGRAPH = frozenset("。！？!?；;：:")
_CLAUSE_MARKS = frozenset("；;")  # they end a line, never a sentence
_CLOSERS = "”’\"')）】》」 "
_PAGE_MARKER = re.compile(r"(\d{1,3})、")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,3}\s*(?:页)?(?:\s*[/／共]\s*\d{1,3}\s*页?)?[-—–\s]*$")
_SPLIT_NUMBER_TAIL = re.compile(r"[0-9.]$")
# the words a figure is counted or measured in, opening the line after a number that stands alone on its line
_UNIT_HEAD = re.compile(rf"^\s*(?:余|多)?(?:万亿|亿|万|千)?(?:{alternation('unit')}|{alternation('chinese_count_classifier')}|%)")
_BARE_FIGURE = re.compile(r"\s*[0-9][0-9.,%\-—~]{0,11}\s*|\s*[Xx×*]{1,4}\s*")  # a line holding a number or a mask alone
_SPLIT_NUMBER_HEAD = re.compile(r"^\s*[0-9.%]|^\s*(?:余|多)?(?:万亿|亿|万|千)?(?:元|美元|亩|%|个|家|项|人)")
_WRAPPED_MIN_LINES = 5  # a PDF's text has many lines broken at the same margin
_WRAPPED_SHARE = 0.4
_WRAP_LINE_MAX = 80  # characters: longer lines are paragraphs, not lines of a page
_MARGIN_SLACK = 0.8  # a line reaching 80% of the margin was broken by it
_PAGE_LINE_MIN = 100  # a page of a shared document runs into the next one mid-sentence
_WATERMARK_MIN = 6
_WATERMARK_LINES = 3


@dataclass
class Passage:
    """One paragraph: `text` is what the grammar reads, `source` the lines as written (joined by newlines)."""

    text: str
    source: str
    first_line: int  # index of its first body line: the section it belongs to
    origin: list[int] | None = None  # source position of each text position; None: the text is the source
    written: dict[int, str] | None = None  # converted character -> as the page writes it

    def verbatim(self, start: int, end: int) -> str:
        """The source text behind text[start:end], as written (line breaks and spaces inside it kept)."""
        if self.origin is None:  # the text is the source, letter for letter (conversion keeps lengths)
            return self.source[start:end]
        if end <= start:
            return ""
        return self.source[self.origin[start] : self.origin[end - 1] + 1]

    def as_written(self, name: str) -> str:
        """A name read from the converted text, in the page's own characters (traditional stays traditional)."""
        return name.translate(self.written) if self.written else name


@lru_cache(maxsize=1)
def _converter() -> tuple[OpenCC, re.Pattern[str], dict[int, str]]:
    """OpenCC's traditional-to-simplified converter, the characters it changes (to find pages that need it in one
    regex search) and its one-character table (for the rare phrase that would change a passage's length)."""
    converter = OpenCC("t2s.json")
    chars = [chr(c) for c in range(0x3400, 0xA000)]
    converted = converter.convert("\n".join(chars)).split("\n")
    table = {ord(c): s for c, s in zip(chars, converted, strict=True) if c != s and len(s) == 1}
    changed = "".join(chr(c) for c in table)
    return converter, re.compile(f"[{re.escape(changed)}]"), table


def reading_text(text: str) -> str:
    """One line as the grammar reads it (no map back): for tests and callers holding a single sentence."""
    return _read(text).text


def written_chars(text: str) -> dict[int, str]:
    """Simplified -> written characters of a line (empty for a simplified page): a name read in simplified goes
    back to the page's own characters."""
    return _read(text).written or {}


def _width(line: str) -> float:
    """Printed width in CJK cells: ASCII letters and digits take half a cell on a PDF page."""
    wide = (len(line.encode("utf-8")) - len(line)) // 2  # CJK characters are three bytes in UTF-8
    return wide + (len(line) - wide) / 2


def _ends_paragraph(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _ENDS_PARAGRAPH


def _open_lines(lines: list[str]) -> list[float]:
    """Widths of short lines that stop mid-sentence before a line that is no heading: a PDF's broken lines."""
    widths = []
    for k in range(len(lines) - 1):
        line = lines[k]
        if 10 <= len(line) <= _WRAP_LINE_MAX and not _ends_paragraph(line) and heading(lines[k + 1]) is None \
                and heading(line) is None:
            widths.append(_width(line))
    return widths


def _margin(lines: list[str]) -> float | None:
    """The width at which the page broke its lines, when the text is a PDF's (most open lines end near it)."""
    widths = _open_lines(lines)
    if len(widths) < _WRAPPED_MIN_LINES:
        return None
    median = statistics.median(widths)
    near = sum(abs(w - median) <= 0.15 * median for w in widths)
    long_lines = sum(len(line) >= 10 for line in lines)
    return median if near >= _WRAPPED_MIN_LINES and near >= _WRAPPED_SHARE * long_lines else None


def _figure_alone(lines: list[str], index: int) -> bool:
    """`展示基地 / 2 / 个。`: a number on a line of its own before the word it counts is a figure, not a page number."""
    following = next((line for line in lines[index + 1 :] if line.strip()), "")
    return bool(_UNIT_HEAD.match(following))


def _boilerplate(line: str) -> bool:
    """Page numbers and the sharing sites' own lines (VIP专免, 侵权投诉 …): not report text."""
    return bool(_PAGE_NUMBER.match(line)) or line.strip() in _boilerplate_lines()


@lru_cache(maxsize=1)
def _boilerplate_lines() -> frozenset[str]:
    return frozenset(words("boilerplate_line"))


def _watermark(lines: list[str]) -> str | None:
    """A tail glued to the end of several lines (`…工作总结EiW乡村百科--为乡村振兴助力`): a site's watermark."""
    tails = Counter(line[-_WATERMARK_MIN:] for line in lines if len(line) > _WATERMARK_MIN)
    tail, count = tails.most_common(1)[0] if tails else ("", 0)
    if count < _WATERMARK_LINES or re.search(r"\d|[。；;，,]", tail):
        return None
    marked = [line for line in lines if line.endswith(tail)]
    mark = tail
    while all(len(line) > len(mark) + 1 and line[-len(mark) - 1] == marked[0][-len(mark) - 1] for line in marked):
        mark = marked[0][-len(mark) - 1] + mark
    return mark if not re.search(r"\d", mark) else None


def _page_number(line: str) -> int | None:
    m = _PAGE_MARKER.match(line)
    return int(m.group(1)) if m else None


def _joins(previous: str, line: str, margin: float | None) -> bool:
    """Whether `line` goes on with the sentence that `previous` broke off."""
    if heading(line) is not None:
        return False
    if _ends_paragraph(previous):
        # 增长11.4%; / 直接利用外资…: a semicolon that happens to end a full line of a PDF goes on with the sentence
        return (margin is not None and previous.rstrip(_CLOSERS)[-1:] in _CLAUSE_MARKS and heading(previous) is None
                and _width(previous) >= _MARGIN_SLACK * margin)
    if _BARE_FIGURE.fullmatch(previous):
        return True  # 展示基地 / 2 / 个: a PDF that set every number on a line of its own goes on after it
    if _BARE_FIGURE.fullmatch(line):
        return True  # ... and before it, unless the line before ended its paragraph (checked above)
    if _SPLIT_NUMBER_TAIL.search(previous) and _SPLIT_NUMBER_HEAD.match(line):
        return True  # 2 / 4518元, 1.8 / 亿美元: a number broken across lines
    return margin is not None and heading(previous) is None and _width(previous) >= _MARGIN_SLACK * margin


@dataclass
class _Paragraph:
    first_line: int
    lines: list[str]
    cuts: list[tuple[int, int]]  # source spans the grammar does not read (page markers)
    length: int  # of the source so far
    page: int | None  # the number of the shared document's page its last line began (1、 2、 …)


def passages(lines: list[str]) -> list[Passage]:
    """The body's paragraphs: lines that a page broke are joined, page furniture and watermarks left out."""
    mark = _watermark(lines) if len(lines) >= _WATERMARK_LINES else None
    if mark:
        lines = [line[: -len(mark)] if line.endswith(mark) else line for line in lines]
    margin = _margin(lines)
    paragraphs: list[_Paragraph] = []
    for index, line in enumerate(lines):
        if not line.strip() or (_boilerplate(line) and not _figure_alone(lines, index)):
            continue
        if paragraphs:
            para = paragraphs[-1]
            previous = para.lines[-1]
            marker = 0
            number = _page_number(line)
            if (number is not None and para.page is not None and number == para.page + 1
                    and len(previous) >= _PAGE_LINE_MIN and not _ends_paragraph(previous)):
                marker = len(str(number)) + 1  # 2、 after a page that began with 1、 and broke off mid-sentence
            if marker or _joins(previous, line, margin):
                if marker:
                    para.cuts.append((para.length + 1, para.length + 1 + marker))
                    para.page = number
                para.lines.append(line)
                para.length += 1 + len(line)
                continue
        paragraphs.append(_Paragraph(index, [line], [], len(line), _page_number(line)))
    return [_read("\n".join(p.lines), p.first_line, p.cuts) for p in paragraphs]


def _read(source: str, first_line: int = 0, cuts: list[tuple[int, int]] | None = None) -> Passage:
    """The passage of `source`: full-width forms to ASCII; whitespace, page markers and pinyin out; simplified."""
    text = source.translate(_FULLWIDTH) if _HAS_FULLWIDTH.search(source) else source  # translate walks every character
    origin: list[int] | None = None
    spans = [(m.start(), m.end()) for m in _DROPPED.finditer(text)]
    if cuts:
        spans = sorted(spans + cuts)
    if spans:
        kept: list[str] = []
        origin = []
        pos = 0
        for start, end in spans:
            if start > pos:
                kept.append(text[pos:start])
                origin.extend(range(pos, start))
            pos = max(pos, end)
        kept.append(text[pos:])
        origin.extend(range(pos, len(text)))
        text = "".join(kept)
    written: dict[int, str] | None = None
    converter, traditional, table = _converter()
    if traditional.search(text):
        simplified = converter.convert(text)
        if len(simplified) != len(text):
            simplified = text.translate(table)
        written = {ord(s): t for s, t in zip(simplified, text, strict=True) if s != t}
        text = simplified
    return Passage(text=text, source=source, first_line=first_line, origin=origin, written=written)
