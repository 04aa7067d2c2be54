"""The extractor's word lists, kept as data (transforms/cue_words.csv) so that a cue word, a bound word, a plan
heading, an empty verb or a classifier is added in one line of CSV, never in a regex.

Each row is `list,word,value`: the list a word belongs to, the word, and what it means where a list needs a
value (the kind a cue gives, the bound a word sets). The lists and their values are described in the CSV's
header comment lines (starting with #).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def _rows() -> dict[str, list[tuple[str, str]]]:
    text = resources.files("transforms").joinpath("cue_words.csv").read_text(encoding="utf-8")
    lists: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in csv.DictReader(line for line in text.splitlines() if line and not line.startswith("#")):
        lists[row["list"]].append((row["word"], row["value"] or ""))
    return dict(lists)


def words(name: str) -> tuple[str, ...]:
    """The words of one list, in file order."""
    return tuple(word for word, _ in _rows().get(name, ()))


def values(name: str) -> dict[str, str]:
    """Word -> value of one list."""
    return dict(_rows().get(name, ()))


def alternation(name: str) -> str:
    """The words of a list as a regex alternation, longest first (so 不少于 is tried before 少于)."""
    return "|".join(re.escape(w) for w in sorted(words(name), key=len, reverse=True))
