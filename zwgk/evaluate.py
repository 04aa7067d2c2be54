"""Score indicator extraction against gold (make eval): folders of pages with one gold JSONL file (the seeds, the
synthetic corpus), and corpus folders of report excerpts with a gold file per text (tests/fixtures/corpus).

    python -m zwgk.evaluate PAGES_DIR GOLD.jsonl            # the scorer's own report for one folder
    python -m zwgk.evaluate [--pages DIR GOLD.jsonl ...] [--corpus DIR ...] [--misses N]

A corpus folder holds texts/<name>.txt and gold/<name>.jsonl. Each text opens with provenance lines (source:,
title:, retrieved:) and a blank line, then the excerpt verbatim. The extractor is fed the excerpt without that
header, with the title line first when the excerpt does not start with it (as a cleaned page would have it).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from transforms.clean import clean_page
from transforms.extract import extract_indicators

SCORER = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "score_indicators.py"
ATTRIBUTES = ("yoy_pct", "target_pct", "kind", "bound", "masked")
PAGE_SUFFIXES = (".txt", ".html", ".htm")
_PROVENANCE = ("source:", "title:", "retrieved:")
_ANNOTATION = re.compile(r"^\[[^\]]*\]\s*")  # `[stored excerpt has no title line]`: the collector's remark, not the title


@lru_cache(maxsize=1)
def scorer() -> ModuleType:
    """The scoring script (the spec's matching rule) as a module: one implementation for the CLI and the tests."""
    spec = importlib.util.spec_from_file_location("score_indicators", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def corpus_text(raw: str) -> str:
    """The excerpt of a corpus text as the extractor reads it: provenance header off, title line first."""
    lines = raw.split("\n")
    if len(lines) < 4 or not all(line.startswith(key) for line, key in zip(lines, _PROVENANCE, strict=False)):
        return raw
    title = _ANNOTATION.sub("", lines[1][len("title:") :].strip())
    body = "\n".join(lines[4:] if not lines[3].strip() else lines[3:])
    if title and not body.lstrip().startswith(title):
        body = f"{title}\n{body}"
    return body


def predict(folder: Path, out: Path) -> int:
    """Extract every page (or corpus text) of `folder` into `out` as JSON Lines with a `doc` key; returns the count."""
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for page in sorted(folder.iterdir()):
            if page.suffix not in PAGE_SUFFIXES:
                continue
            data = page.read_bytes()
            source: bytes | str = data
            if data.startswith(_PROVENANCE[0].encode()):
                source = corpus_text(data.decode("utf-8"))
            for ind in extract_indicators(clean_page(source)):
                row = ind.to_dict()
                row["doc"] = page.name
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    return count


def corpus_gold(corpus: Path, out: Path) -> Path:
    """The per-text gold files of a corpus folder as one gold file, in the scorer's format."""
    with out.open("w", encoding="utf-8") as fh:
        for gold in sorted((corpus / "gold").glob("*.jsonl")):
            for line in gold.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    fh.write(line.rstrip() + "\n")
    return out


@dataclass
class Scores:
    """What the scorer counts for one set: match counts, then accuracy of each attribute over the matched pairs."""

    label: str
    matched: int
    gold: int
    predicted: int
    accuracy: dict[str, float | None]
    misses: list[dict]
    extras: list[dict]

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score_files(label: str, gold: Path, pred: Path) -> Scores:
    module = scorer()
    gold_rows, pred_rows = module.load(str(gold)), module.load(str(pred))
    pairs, misses, extras, _ = module.score(gold_rows, pred_rows)
    accuracy = {attr: (sum(module.same(attr, g, p) for g, p in pairs) / len(pairs) if pairs else None)
                for attr in ATTRIBUTES}
    return Scores(label, len(pairs), len(gold_rows), len(pred_rows), accuracy, misses, extras)


def score_pages(label: str, pages: Path, gold: Path) -> Scores:
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        predict(pages, pred)
        return score_files(label, gold, pred)


def score_corpus(corpus: Path, label: str | None = None) -> Scores:
    with tempfile.TemporaryDirectory() as tmp:
        gold = corpus_gold(corpus, Path(tmp) / "gold.jsonl")
        pred = Path(tmp) / "pred.jsonl"
        predict(corpus / "texts", pred)
        return score_files(label or corpus.name, gold, pred)


def report(sets: list[Scores], misses: int = 0) -> str:
    """One line per set: counts, precision/recall/F1, then each attribute's accuracy over matched pairs."""
    head = f"{'set':<28} {'gold':>5} {'pred':>5} {'match':>5} {'prec':>6} {'recall':>6} {'F1':>6}"
    head += "".join(f" {attr:>10}" for attr in ATTRIBUTES)
    lines = [head]
    for s in sets:
        row = f"{s.label:<28} {s.gold:>5} {s.predicted:>5} {s.matched:>5} {s.precision:>6.3f} {s.recall:>6.3f} {s.f1:>6.3f}"
        row += "".join(f" {s.accuracy[a]:>10.3f}" if s.accuracy[a] is not None else f" {'n/a':>10}" for a in ATTRIBUTES)
        lines.append(row)
    for s in sets:
        for g in s.misses[:misses]:
            lines.append(f"MISS  {s.label}: {g['doc'][:40]} {g.get('name')} {g.get('raw')} | {(g.get('quote') or '')[:60]}")
        for p in s.extras[:misses]:
            lines.append(f"EXTRA {s.label}: {str(p.get('doc'))[:40]} {p.get('name')} {p.get('raw')} {p.get('unit')}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) == 2 and not any(a.startswith("-") for a in args):  # one folder: the scorer's own report
        with tempfile.TemporaryDirectory() as tmp:
            pred = Path(tmp) / "pred.jsonl"
            predict(Path(args[0]), pred)
            return subprocess.call([sys.executable, str(SCORER), args[1], str(pred)])
    parser = argparse.ArgumentParser(prog="python -m zwgk.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", nargs=2, action="append", default=[], metavar=("DIR", "GOLD"),
                        help="a folder of pages and its gold JSONL file")
    parser.add_argument("--corpus", action="append", default=[], metavar="DIR",
                        help="a corpus folder (texts/, gold/)")
    parser.add_argument("--misses", type=int, default=0, help="list up to N misses and extras per set")
    opts = parser.parse_args(args)
    if not opts.pages and not opts.corpus:
        parser.error("give PAGES_DIR GOLD.jsonl, or --pages and/or --corpus")
    sets = [score_pages(Path(folder).name, Path(folder), Path(gold)) for folder, gold in opts.pages]
    sets += [score_corpus(Path(folder)) for folder in opts.corpus]
    print(report(sets, opts.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
