"""`make bench`: one table of speed, scale and accuracy figures, all measured in this run.

    python -m bench.run [--pages 2000] [--crawl-pages 10000] [--snapshots 50] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.crawl_once import ROOT, crawl_in_process
from bench.province import province
from flows.pool import processing_workers
from mirror.synthetic import report
from zwgk.evaluate import SCORER, predict


@dataclass
class Row:
    figure: str
    value: str
    target: str
    command: str


def build_corpus(folder: Path, pages: int, seed: int) -> Path:
    """Synthetic pages as files plus their gold, in the format of the seeds' gold."""
    (folder / "pages").mkdir(parents=True)
    gold = folder / "gold.jsonl"
    with gold.open("w", encoding="utf-8") as fh:
        for i in range(pages):
            rep = report(seed, i)
            name = f"page{i:05d}.html"
            (folder / "pages" / name).write_text(rep.html(), encoding="utf-8")
            for row in rep.gold:
                fh.write(json.dumps({"doc": name, **row}, ensure_ascii=False) + "\n")
    return gold


REPEATS = 3


def best_throughput(pages: Path, workloads: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """Each workload REPEATS times, interleaved, each in a fresh process pinned to one core; the fastest run counts.

    Interleaving spreads a slow spell of a shared machine over all tools; the best run is the least disturbed one
    (noise only ever slows a run down).
    """
    best: dict[str, dict[str, float]] = {}
    for _ in range(REPEATS):
        for workload in workloads:
            out = subprocess.run([sys.executable, "-m", "bench.throughput", workload, str(pages)], capture_output=True,
                                 text=True, check=True, cwd=ROOT)
            run = json.loads(out.stdout.strip().splitlines()[-1])
            if workload not in best or run["seconds"] < best[workload]["seconds"]:
                best[workload] = run
    return best


def score(gold: Path, pages: Path, out: Path) -> str:
    predict(pages, out)
    last = subprocess.run([sys.executable, str(SCORER), str(gold), str(out)], capture_output=True, text=True,
                          check=True).stdout.strip().splitlines()
    f1 = re.search(r"f1=([0-9.]+)", last[-1])
    accuracies = " ".join(line.replace("_accuracy", "") for line in last[:-1])
    return f"F1 {f1.group(1) if f1 else '?'} ({accuracies})"


def serve_mirror(pages: int, seed: int, folder: Path, *options: str) -> tuple[subprocess.Popen[bytes], Path]:
    config = folder / f"portal-{pages}.toml"
    proc = subprocess.Popen([sys.executable, "-m", "mirror", "--pages", str(pages), "--seed", str(seed),
                             "--config-out", str(config), *options], cwd=ROOT)
    for _ in range(600):
        if config.exists():
            return proc, config
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("synthetic mirror did not start")


def crawl_figures(pages: int, seed: int, folder: Path) -> dict[str, dict[str, float]]:
    proc, config = serve_mirror(pages, seed, folder)
    try:
        warehouse = folder / f"wh-{pages}"
        first = crawl_in_process(config, warehouse)
        again = crawl_in_process(config, warehouse)
    finally:
        proc.terminate()
        proc.wait()
    return {"first": first, "again": again}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000, help="corpus size for clean/extract and the crawl pair")
    parser.add_argument("--crawl-pages", type=int, default=10000, help="pages of the large crawl (peak memory)")
    parser.add_argument("--snapshots", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--province-hosts", type=int, default=200)
    parser.add_argument("--province-articles", type=int, default=10000)
    parser.add_argument("--province-latency", type=float, default=0.05, help="seconds each province answer waits")
    parser.add_argument("--out", default=str(ROOT / "BENCHMARKS.md"))
    args = parser.parse_args(argv)
    from bench.snapshots import snapshot_history
    from bench.workers import worker_figures

    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-") as tmp:
        folder = Path(tmp)
        started = time.perf_counter()
        gold = build_corpus(folder / "corpus", args.pages, args.seed)
        pages = [p.read_bytes() for p in sorted((folder / "corpus" / "pages").iterdir())]
        print(f"corpus: {len(pages)} pages in {time.perf_counter() - started:.1f}s", flush=True)
        cmd = f"make bench PAGES={args.pages}"

        speed = best_throughput(folder / "corpus" / "pages", ("clean", "trafilatura", "process"))
        ours = speed["clean"]["pages"] / speed["clean"]["seconds"]
        theirs = speed["trafilatura"]["pages"] / speed["trafilatura"]["seconds"]
        rows.append(Row("clean, pages/s (zwgk, one core)", f"{ours:,.0f}", "", cmd))
        rows.append(Row("clean, pages/s (trafilatura 2.3.1, same pages, one core)", f"{theirs:,.0f}", "", cmd))
        rows.append(Row("clean speed-up over trafilatura", f"{ours / theirs:.1f}x", ">= 10x", cmd))
        print(f"clean: zwgk {ours:.0f}/s, trafilatura {theirs:.0f}/s", flush=True)

        process = speed["process"]
        rows.append(Row("clean + extract + normalise, pages/s (one core)",
                        f"{process['pages'] / process['seconds']:,.0f}", ">= 300", cmd))
        rows.append(Row("indicators extracted per second", f"{process['indicators'] / process['seconds']:,.0f}", "",
                        cmd))
        print(f"extract: {process['pages'] / process['seconds']:.0f} pages/s", flush=True)

        rows.append(Row(f"extraction on synthetic gold ({len(pages)} pages)",
                        score(gold, folder / "corpus" / "pages", folder / "pred.jsonl"), "", cmd))
        rows.append(Row("extraction on the seeds' gold (5 real pages)",
                        score(ROOT / "tests/fixtures/gold/seeds-indicators.jsonl", ROOT / "tests/fixtures/seeds",
                              folder / "pred-seeds.jsonl"), "F1 >= 0.92", "make eval"))

        pair = crawl_figures(args.pages, args.seed, folder)
        first, again = pair["first"], pair["again"]
        cores = processing_workers()
        one_core = process["pages"] / process["seconds"]
        first_rate = first["new"] / first["seconds"]
        rows.append(Row(f"first crawl of {args.pages} pages on 2 hosts, rate limits off (s)",
                        f"{first['seconds']:.2f} ({first['new']:.0f} new, {first['failed']:.0f} failed; crawling process "
                        f"{first['cpu_s']:.2f} CPU-s)", "", cmd))
        rows.append(Row(f"first crawl, pages/s / (clean + extract + normalise on one core x {cores} cores)",
                        f"{first_rate / (one_core * cores):.0%} ({first_rate:,.0f} / {one_core * cores:,.0f})", ">= 70%",
                        cmd))
        processing_cpu = first["new"] / one_core
        rows.append(Row("first crawl, CPU of every process on the machine / of clean + extract + normalise alone (CPU-s)",
                        f"{first['machine_cpu_s']:.2f} / {processing_cpu:.2f}: on {cores} cores this CPU allows at most "
                        f"{first['new'] / (first['machine_cpu_s'] / cores):,.0f} pages/s "
                        f"({first['new'] / (first['machine_cpu_s'] / cores) / (one_core * cores):.0%})", "", cmd))
        rows.append(Row("unchanged recrawl, same portal (s)",
                        f"{again['seconds']:.2f} ({again['unchanged']:.0f} unchanged, {again['new'] + again['changed']:.0f} "
                        f"new/changed; crawling process {again['cpu_s']:.2f} CPU-s, every process {again['machine_cpu_s']:.2f})", "", cmd))
        rows.append(Row("recrawl / first crawl", f"{again['seconds'] / first['seconds']:.2f}", "<= 0.2", cmd))
        print(f"crawl: first {first['seconds']:.1f}s, again {again['seconds']:.2f}s", flush=True)

        big = crawl_figures(args.crawl_pages, args.seed, folder)["first"]
        rows.append(Row(f"peak memory of a crawl of {args.pages} pages, crawling process / with its workers (MB)",
                        f"{first['peak_mb']:.0f} / {first['tree_peak_mb']:.0f}", "", cmd))
        rows.append(Row(f"peak memory of a crawl of {args.crawl_pages} pages, crawling process / with its workers (MB)",
                        f"{big['peak_mb']:.0f} / {big['tree_peak_mb']:.0f} ({big['seconds']:.0f}s, {big['new']:.0f} new)",
                        "flat", f"{cmd} CRAWL_PAGES={args.crawl_pages}"))
        print(f"big crawl: {big['peak_mb']:.0f} MB", flush=True)

        land = province(folder / "province", args.province_hosts, args.province_articles, args.province_latency)
        rows.append(Row(f"province: {land.hosts} hosts, {land.articles} articles, 1 req/s per host, "
                        f"{args.province_latency * 1000:.0f} ms per answer: crawl / politeness bound (s)",
                        f"{land.ratio:.2f} ({land.seconds:.0f}s / {land.bound_s:.0f}s; {land.stored} stored)", "<= 1.2",
                        f"{cmd} PROVINCE_HOSTS={land.hosts}"))
        rows.append(Row("province: articles stored", f"{land.stored:,} of {land.articles:,}",
                        f"all {land.articles:,}", f"{cmd} PROVINCE_HOSTS={land.hosts}"))
        rows.append(Row("province: rate per host at the server (closest two requests; most in any second)",
                        f"{land.min_gap_s:.3f}s; {land.max_per_second}", ">= 1s apart; 1", f"{cmd} PROVINCE_HOSTS={land.hosts}"))
        rows.append(Row("province: peak memory of the crawl with its workers (MB)", f"{land.peak_mb:.0f}", "< 1000",
                        f"{cmd} PROVINCE_HOSTS={land.hosts}"))
        print(f"province: {land.seconds:.0f}s for a bound of {land.bound_s:.0f}s", flush=True)

        history = snapshot_history(folder / "history", pages, args.snapshots)
        rows.append(Row(f"load time, snapshots {args.snapshots - 2}-{args.snapshots} / snapshots 2-4, medians "
                        f"({args.pages} pages, 1% changed)",
                        f"{history.load_ratio:.2f} ({history.last_load_s:.2f}s / {history.second_load_s:.2f}s)", "<= 1.5",
                        f"{cmd} SNAPSHOTS={args.snapshots}"))
        rows.append(Row("storage growth per snapshot / first snapshot",
                        f"{history.growth_share:.2%} ({history.growth_bytes / 1024:.0f} KiB of {history.first_bytes / 1024:.0f} KiB)",
                        "<= 2%", f"{cmd} SNAPSHOTS={args.snapshots}"))
        rows.append(Row(f"as-of query (indicators_as_of({args.snapshots // 2}) count) (ms)", f"{history.as_of_ms:.0f}", "",
                        f"{cmd} SNAPSHOTS={args.snapshots}"))

        shared = worker_figures(args.pages, args.seed, folder / "workers", pages)
        rows.append(Row(f"{args.pages} pages on 2 hosts into a PostgreSQL catalog, rate limits off: one worker pinned to "
                        "one core / two workers pinned to a core each (pages/s)",
                        f"{shared.speed_up:.2f}x ({shared.one_worker_pages_s:.0f} / {shared.two_workers_pages_s:.0f})",
                        ">= 1.6x", cmd))
        rows.append(Row(f"load of one snapshot ({len(pages)} pages): SQLite catalog / PostgreSQL catalog (s)",
                        f"{shared.sqlite_load_s:.2f} / {shared.postgres_load_s:.2f}", "", cmd))
    table = render(rows)
    print(table)
    Path(args.out).write_text(document(table), encoding="utf-8")
    return 0


def render(rows: list[Row]) -> str:
    lines = ["| figure | value | target | reproduce |", "|---|---|---|---|"]
    lines += [f"| {r.figure} | {r.value} | {r.target} | `{r.command}` |" for r in rows]
    return "\n".join(lines)


def document(table: str) -> str:
    cpu = platform.processor() or platform.machine()
    with open("/proc/cpuinfo", encoding="utf-8") as fh:
        models = [line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")]
    if models:
        cpu = f"{models[0]} x {len(models)}"
    memory = ""
    with open("/proc/meminfo", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    return (
        "# Benchmarks\n\nWritten by `make bench` (bench/run.py); every figure below comes from one run.\n\n"
        f"- run: {datetime.now(UTC).isoformat(timespec='seconds')}\n- machine: {cpu}, {memory}, "
        f"{platform.system()} {platform.release()}, Python {platform.python_version()}\n"
        f"- cores available: {os.cpu_count()}\n\n{table}\n\n"
        "Pages are synthetic reports (mirror/synthetic.py, seed 7) rendered in the mirror's four portal layouts; "
        "their gold is written by the generator, not by the extractor. Crawls run against `python -m mirror` in its own "
        "process (two JCMS hosts, two columns each, dataproxy paging); crawl times exclude Prefect's start-up (its "
        "API server, and what a first flow run with parameters and a task imports: bench/crawl_once.py warms them "
        "up). The province is the same mirror on 200 hosts, one portal each, every answer 50 ms late; the rate each "
        "host saw comes from the mirror's own access log. Peak memory is the crawling process's maximum RSS, alone "
        "and with its processing workers (the Prefect API server, a process of its own, left out). A crawl's CPU of "
        "every process is the machine's busy time while it ran (/proc/stat: the crawl, its workers, the mirror, the "
        "Prefect API, anything else): however well the work overlaps, the cores cannot crawl faster than that CPU "
        "allows. "
        f"Throughputs (clean, trafilatura, clean + extract + normalise) are the best of {REPEATS} runs per tool, "
        "interleaved, each in a fresh process pinned to one core with polars on one thread (bench/throughput.py); "
        "a shared machine's slow spells only ever slow a run down.\n"
    )


if __name__ == "__main__":
    sys.exit(main())
