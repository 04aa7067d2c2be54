"""Whether DuckLake's maintenance keeps a read transaction that another process holds open isolated (an upstream
question: zwgk's maintenance runs these calls every tenth snapshot, see flows/warehouse.py `_maintain`).

    python tools/ducklake_isolation.py        # one line per case: what the open reader counts before, during, after

A table gets five one-row commits; a reader in another process begins a transaction and counts the rows; the writer
then commits one row more and runs a maintenance call; the reader counts again inside its transaction (it should
still see 5), then once more after it commits (6). DuckLake 1.5.5 on a SQLite catalog in WAL mode, measured:
a plain insert is isolated (5); followed by `ducklake_flush_inlined_data`, or by `ducklake_merge_adjacent_files`
with inlining off, the open transaction sees 6, the row committed after it began. Related upstream reports:
duckdb/ducklake#1413 (a reader fails after a concurrent flush) and #650 (a flush racing an insert duplicates rows).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import duckdb
import duckdb_extensions

CASES = {  # name: (data inlining row limit, statements the writer runs after its extra row)
    "insert only (inlined)": (None, []),
    "insert + flush_inlined_data": (None, ["CALL ducklake_flush_inlined_data('lake')"]),
    "insert + merge_adjacent_files (inlining off)": (0, ["CALL ducklake_merge_adjacent_files('lake')"]),
    "insert only (inlining off)": (0, []),
}

_READER = """
import sys
sys.path.insert(0, sys.argv[3])
from ducklake_isolation import lake
con = lake(sys.argv[1], None if sys.argv[2] == "-" else int(sys.argv[2]))
con.execute("BEGIN")
print(con.execute("SELECT count(*) FROM t").fetchone()[0], flush=True)
sys.stdin.readline()
print(con.execute("SELECT count(*) FROM t").fetchone()[0], flush=True)
con.execute("COMMIT")
print(con.execute("SELECT count(*) FROM t").fetchone()[0], flush=True)
"""


def lake(folder: str, inlining: int | None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"autoinstall_known_extensions": False, "autoload_known_extensions": False})
    for extension in ("ducklake", "sqlite"):
        duckdb_extensions.import_extension(extension, con=con)
        con.execute(f"LOAD {extension}")
    option = "" if inlining is None else f", DATA_INLINING_ROW_LIMIT {inlining}"
    con.execute(f"ATTACH 'ducklake:sqlite:{folder}/catalog.sqlite' AS lake (DATA_PATH '{folder}/data'{option})")
    con.execute("USE lake")
    return con


def run_case(inlining: int | None, maintenance: list[str]) -> tuple[int, int, int]:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "data").mkdir()
        lake(folder, inlining).execute("CREATE TABLE t (i INTEGER)").close()
        with sqlite3.connect(f"{folder}/catalog.sqlite") as db:
            db.execute("PRAGMA journal_mode=WAL")  # as zwgk's catalog: readers do not block the writer
        writer = lake(folder, inlining)
        for k in range(5):
            writer.execute("INSERT INTO t VALUES (?)", [k])
        reader = subprocess.Popen([sys.executable, "-c", _READER, folder, "-" if inlining is None else str(inlining),
                                   str(Path(__file__).parent)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert reader.stdin is not None and reader.stdout is not None
        before = int(reader.stdout.readline())
        writer.execute("INSERT INTO t VALUES (5)")
        for statement in maintenance:
            writer.execute(statement)
        reader.stdin.write("go\n")
        reader.stdin.flush()
        during, after = int(reader.stdout.readline()), int(reader.stdout.readline())
        reader.wait()
        return before, during, after


def main() -> int:
    for name, (inlining, maintenance) in CASES.items():
        before, during, after = run_case(inlining, maintenance)
        verdict = "isolated" if during == before else "NOT isolated"
        print(f"{name:48} open reader: {before} before, {during} during, {after} after: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
