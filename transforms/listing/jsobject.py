"""JavaScript object literals as pages write them (`{perPage:15, proxyUrl:'/x', ajaxParam:{webid:3}}`) to Python.

List pages declare their paging in script code: jpage calls, jpaas `queryData` attributes, `loadPageData({...})`.
These are JS, not JSON (bare or single-quoted keys, single-quoted strings, trailing commas, identifiers as values),
so json.loads refuses them. The parser reads literals only and never evaluates anything: an identifier or an
expression it cannot read becomes its source text.
"""

from __future__ import annotations

import re
from typing import Any

_NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_IDENT = re.compile(r"[A-Za-z_$][\w$.]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}


class _Parser:
    def __init__(self, text: str, start: int) -> None:
        self.text, self.pos = text, start

    def ws(self) -> None:
        text, n = self.text, len(self.text)
        while self.pos < n:
            ch = text[self.pos]
            if ch in " \t\r\n\u3000\xa0":
                self.pos += 1
            elif text.startswith("//", self.pos):
                end = text.find("\n", self.pos)
                self.pos = n if end < 0 else end + 1
            elif text.startswith("/*", self.pos):
                end = text.find("*/", self.pos + 2)
                self.pos = n if end < 0 else end + 2
            else:
                break

    def value(self, depth: int = 0) -> Any:
        if depth > 50:
            raise ValueError("nested too deep")
        self.ws()
        if self.pos >= len(self.text):
            raise ValueError("unexpected end")
        ch = self.text[self.pos]
        if ch == "{":
            return self.obj(depth)
        if ch == "[":
            return self.arr(depth)
        if ch in "'\"`":
            return self.string()
        start = self.pos
        m = _NUMBER.match(self.text, self.pos) or _IDENT.match(self.text, self.pos)
        if m and self._separator_after(m.end()):
            self.pos = m.end()
            word = m.group(0)
            if word[0].isdigit() or word[0] in "-.":
                return float(word) if any(c in word for c in ".eE") else int(word)
            return {"true": True, "false": False, "null": None, "undefined": None}.get(word, word)
        self.pos = start
        return self.expression()

    def _separator_after(self, end: int) -> bool:
        rest = self.text[end : end + 40].lstrip(" \t\r\n")
        return not rest or rest[0] in ",}])"

    def expression(self) -> str:
        """Anything else up to the next separator at this level: kept as its source text."""
        start, depth = self.pos, 0
        while self.pos < len(self.text):
            ch = self.text[self.pos]
            if ch in "([{":
                depth += 1
            elif ch in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif ch == "," and depth == 0:
                break
            elif ch in "'\"`":
                self.string()
                continue
            self.pos += 1
        return self.text[start : self.pos].strip()

    def string(self) -> str:
        quote = self.text[self.pos]
        self.pos += 1
        out: list[str] = []
        text = self.text
        while self.pos < len(text):
            ch = text[self.pos]
            if ch == quote:
                self.pos += 1
                return "".join(out)
            if ch == "\\" and self.pos + 1 < len(text):
                nxt = text[self.pos + 1]
                if nxt == "u" and re.match(r"[0-9a-fA-F]{4}", text[self.pos + 2 : self.pos + 6]):
                    out.append(chr(int(text[self.pos + 2 : self.pos + 6], 16)))
                    self.pos += 6
                    continue
                out.append(_ESCAPES.get(nxt, nxt))
                self.pos += 2
                continue
            out.append(ch)
            self.pos += 1
        raise ValueError("string not closed")

    def key(self) -> str:
        self.ws()
        ch = self.text[self.pos : self.pos + 1]
        if ch in ("'", '"'):
            return self.string()
        m = _IDENT.match(self.text, self.pos) or _NUMBER.match(self.text, self.pos)
        if not m:
            raise ValueError(f"no key at {self.pos}")
        self.pos = m.end()
        return m.group(0)

    def obj(self, depth: int) -> dict[str, Any]:
        self.pos += 1
        out: dict[str, Any] = {}
        while True:
            self.ws()
            if self.text.startswith("}", self.pos):
                self.pos += 1
                return out
            name = self.key()
            self.ws()
            if not self.text.startswith(":", self.pos):
                raise ValueError(f"no ':' after key {name!r}")
            self.pos += 1
            out[name] = self.value(depth + 1)
            self.ws()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("}", self.pos):
                raise ValueError(f"no ',' or '}}' at {self.pos}")

    def arr(self, depth: int) -> list[Any]:
        self.pos += 1
        out: list[Any] = []
        while True:
            self.ws()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return out
            out.append(self.value(depth + 1))
            self.ws()
            if self.text.startswith(",", self.pos):
                self.pos += 1
            elif not self.text.startswith("]", self.pos):
                raise ValueError(f"no ',' or ']' at {self.pos}")


def parse_literal(text: str, start: int = 0) -> tuple[Any, int]:
    """The literal that begins at `start` (after white space) and where it ends; ValueError when it is not one."""
    parser = _Parser(text, start)
    value = parser.value()
    return value, parser.pos


def object_after(text: str, marker: re.Pattern[str]) -> list[dict[str, Any]]:
    """Every object literal that follows a match of `marker` (e.g. `jpage(` or `loadPageData(`)."""
    found = []
    for m in marker.finditer(text):
        brace = text.find("{", m.end(), m.end() + 200)
        if brace < 0 or text[m.end() : brace].strip(" \t\r\n("):
            continue
        try:
            value, _ = parse_literal(text, brace)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found


def lower_keys(obj: dict[str, Any]) -> dict[str, Any]:
    """Keys lowercased, nested objects too: pages write perPage, perpage and PerPage."""
    return {str(k).lower(): lower_keys(v) if isinstance(v, dict) else v for k, v in obj.items()}
