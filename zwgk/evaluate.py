"""Score `zwgk extract` on a folder of pages against a gold JSONL file (make eval)."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from transforms.clean import clean_page
from transforms.extract import extract_indicators

SCORER = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "score_indicators.py"


def predict(folder: Path, out: Path) -> int:
    count = 0
    with out.open("w", encoding="utf-8") as fh:
        for page in sorted(folder.iterdir()):
            if page.suffix not in (".txt", ".html", ".htm"):
                continue
            for ind in extract_indicators(clean_page(page.read_bytes())):
                row = ind.to_dict()
                row["doc"] = page.name
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    args = argv if argv is not None else sys.argv[1:]
    if len(args) != 2:
        print("usage: python -m zwgk.evaluate PAGES_DIR GOLD.jsonl", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        predict(Path(args[0]), pred)
        return subprocess.call([sys.executable, str(SCORER), args[1], str(pred)])


if __name__ == "__main__":
    sys.exit(main())
