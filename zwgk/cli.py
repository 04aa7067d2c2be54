"""The `zwgk` command line (spec/interfaces.md): errors are one clear line on stderr, never a traceback."""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import tempfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from zwgk import settings

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
# a fresh PREFECT_HOME runs its database migrations first: 20 s (the default) is too short on a busy machine
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")


class UserError(Exception):
    """A mistake the user can fix: printed as one line, exit status 2."""


def _read_source(source: str) -> tuple[bytes, str | None]:
    if source.startswith(("http://", "https://")):
        import requests

        try:
            resp = requests.get(source, headers={"User-Agent": settings.user_agent()},
                                timeout=(settings.CONNECT_TIMEOUT_S, settings.READ_TIMEOUT_S))
        except requests.RequestException as exc:
            raise UserError(f"cannot fetch {source}: {exc}") from exc
        if resp.status_code != 200:
            raise UserError(f"cannot fetch {source}: HTTP {resp.status_code}")
        return resp.content, resp.headers.get("Content-Type")
    if "://" in source:
        raise UserError(f"{source}: only http(s) URLs and file paths are accepted")
    path = Path(source)
    if not path.is_file():
        raise UserError(f"{source}: no such file (give a .html, .htm or .txt path, or an http(s) URL)")
    return path.read_bytes(), None


def _clean(source: str) -> Any:
    from transforms.clean import clean_page
    from transforms.decode import DecodeError
    from transforms.html_lines import HtmlError

    data, content_type = _read_source(source)
    try:
        return clean_page(data, content_type)
    except (HtmlError, DecodeError) as exc:
        raise UserError(f"{source}: {exc}") from exc


def cmd_clean(args: argparse.Namespace) -> int:
    print(json.dumps(_clean(args.source).to_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from transforms.extract import extract_indicators
    from transforms.normalise import indicators_frame

    frame = indicators_frame(extract_indicators(_clean(args.source)))
    for row in frame.iter_rows(named=True):
        print(json.dumps(row, ensure_ascii=False))
    return 0


def _portals(config: str | None, names: list[str] | None) -> tuple[settings.Portal, ...]:
    path = settings.config_path(config)
    try:
        portals = settings.load_portals(path)
    except settings.ConfigError as exc:
        raise UserError(str(exc)) from exc
    if names:
        unknown = set(names) - {p.name for p in portals}
        if unknown:
            raise UserError(f"unknown portal(s) {', '.join(sorted(unknown))} in {path}")
        portals = tuple(p for p in portals if p.name in names)
    return portals


class RunFailed(Exception):
    """The snapshot was committed but the run must be looked at: printed after the summary, exit status 1."""


def _run_crawl(portals: tuple[settings.Portal, ...], warehouse: Path, config: str | None = None) -> Any:
    from flows.crawl import PortalEmptied, crawl
    from flows.prefect_api import ApiStartError, prefect_api
    from flows.warehouse import WarehouseError
    from zwgk.console import run_progress

    try:
        with prefect_api(), run_progress("crawl"):
            return crawl(portals=list(portals), warehouse=str(warehouse), config=config)
    except (WarehouseError, ApiStartError) as exc:
        raise UserError(str(exc)) from exc
    except PortalEmptied as exc:
        _print_summary(exc.summary)
        raise RunFailed(str(exc)) from exc


def _print_summary(summary: Any) -> None:
    print(f"snapshot {summary.snapshot_id}: {summary.docs_new} new, {summary.docs_changed} changed, "
          f"{summary.docs_unchanged} unchanged, {summary.docs_gone} gone documents; {summary.indicators} indicators in new versions")
    for p in summary.portals:
        state = "" if p.state == "ok" else f" [{p.state.split(':', 1)[0].upper()}]"
        print(f"  {p.portal}{state}: listed {p.listed}, fetched {p.fetched}, unchanged {p.unchanged}, failed {p.failed}, "
              f"new {p.new}, changed {p.changed}, gone {p.gone}")
        for note in p.notes:
            print(f"    note: {note}")


def cmd_crawl(args: argparse.Namespace) -> int:
    portals = _portals(args.config, args.portal)
    config = str(Path(args.config).resolve()) if args.config else None
    _print_summary(_run_crawl(portals, settings.warehouse_dir(args.warehouse), config))
    return 0


DEMO_QUERY = """
SELECT publisher, name, raw, yoy_pct, kind, period, canonical
FROM indicators
WHERE canonical IS NOT NULL AND value IS NOT NULL
ORDER BY publisher, period, name
LIMIT 15
"""


def cmd_demo(args: argparse.Namespace) -> int:
    from mirror.server import DEMO_PORTS, Mirror

    warehouse = settings.warehouse_dir(args.warehouse)
    mirror = Mirror.demo().start(DEMO_PORTS)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "portals.toml"
        config.write_text(mirror.config_toml(), encoding="utf-8")
        print(f"portal mirror serving {len(mirror.hosts)} sites on {', '.join(mirror.base_url(h) for h in mirror.hosts)}")
        print(f"crawling into {warehouse}")
        try:
            summary = _run_crawl(settings.load_portals(config), warehouse)
        finally:
            mirror.stop()
    _print_summary(summary)
    print("\nwarehouse totals:")
    _sql(warehouse, "SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM indicators) AS indicators,"
         " (SELECT max(snapshot_id) FROM snapshots) AS snapshots", "table")
    print("\nexample query (indicators with a canonical key):" + DEMO_QUERY)
    _sql(warehouse, DEMO_QUERY, "table")
    print(f'\nquery it yourself: zwgk sql "select * from indicators limit 10"  (warehouse: {warehouse})')
    return 0


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return None
    return value


def _sql(warehouse: Path, query: str, fmt: str) -> None:
    import duckdb

    from flows.warehouse import WarehouseError, connect

    try:
        con = connect(warehouse, read_only=True)
    except WarehouseError as exc:
        raise UserError(str(exc)) from exc
    try:
        try:
            cur = con.execute(query)
        except duckdb.Error as exc:
            raise UserError(f"SQL error: {str(exc).splitlines()[0]}") from exc
        if cur.description is None:
            return
        columns = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(columns)
        writer.writerows(rows)
        sys.stdout.write(buf.getvalue())
    elif fmt == "json":
        print(json.dumps([{c: _jsonable(v) for c, v in zip(columns, row, strict=True)} for row in rows], ensure_ascii=False))
    else:
        _print_table(columns, rows)


def _print_table(columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    def cell(v: Any) -> str:
        text = "" if v is None else str(_jsonable(v))
        return text if len(text) <= 40 else text[:39] + "…"

    cells = [[cell(v) for v in row] for row in rows]
    widths = [max([_width(c)] + [_width(r[i]) for r in cells]) for i, c in enumerate(columns)]
    print(" | ".join(_pad(c, w) for c, w in zip(columns, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for r in cells:
        print(" | ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)))
    print(f"({len(rows)} rows)")


def _width(text: str) -> int:
    return sum(2 if "\u2e80" <= ch <= "\uffef" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def cmd_sql(args: argparse.Namespace) -> int:
    _sql(settings.warehouse_dir(args.warehouse), args.query, args.format)
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    from urllib.parse import urlsplit

    from flows.discover import propose_columns
    from flows.fetcher import Fetcher, Policy
    from transforms.listing.columns import portal_config

    parts = urlsplit(args.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(f"{args.url}: give the http(s) URL of a portal's home or disclosure-catalogue page")
    policy = Policy(allowed_hosts=frozenset({parts.netloc.lower()}), allow_private=args.allow_private,
                    rate=settings.DEFAULT_RATE)
    try:
        columns = propose_columns(Fetcher(), args.url, policy)
    except RuntimeError as exc:
        raise UserError(str(exc)) from exc
    if not columns:
        raise UserError(f"{args.url}: no column named 计划总结/工作总结/规划计划/政府工作报告 found; "
                        "try the site's 政府信息公开 catalogue page")
    print(portal_config(args.name or parts.hostname, columns))
    return 0


def cmd_reprocess(args: argparse.Namespace) -> int:
    from flows.prefect_api import ApiStartError, prefect_api
    from flows.reprocess import reprocess
    from flows.warehouse import WarehouseError
    from zwgk.console import run_progress

    warehouse = settings.warehouse_dir(args.warehouse)
    try:
        embedded = settings.warehouse_location(warehouse).postgres is None
    except settings.ConfigError as exc:
        raise UserError(str(exc)) from exc
    if embedded and not (warehouse / "catalog.sqlite").exists():
        raise UserError(f"no warehouse at {warehouse}: nothing to reprocess (pass --warehouse DIR)")
    try:
        with prefect_api(), run_progress("reprocess"):
            result = reprocess(warehouse=str(warehouse))
    except (WarehouseError, ApiStartError) as exc:
        raise UserError(str(exc)) from exc
    print(f"snapshot {result.snapshot_id} (reprocess): {result.docs_changed} documents re-versioned, "
          f"{result.docs_unchanged} unchanged; {result.indicators} indicator rows from the current parser")
    return 0


EXPORTED = ("documents", "document_versions", "indicators", "snapshots", "document_changes", "fetch_failures",
            "portal_health", "indicator_panel", "targets_vs_results")


def cmd_export(args: argparse.Namespace) -> int:
    """The current views as files: what an analyst loads into another tool."""
    import duckdb

    from flows.warehouse import WarehouseError, connect, sql_string

    out = Path(args.dir).resolve()
    try:
        out.mkdir(parents=True, exist_ok=True)
        con = connect(settings.warehouse_dir(args.warehouse), read_only=True)
    except OSError as exc:
        raise UserError(f"cannot write to {out}: {exc.strerror}") from exc
    except WarehouseError as exc:
        raise UserError(str(exc)) from exc
    options = "FORMAT parquet, COMPRESSION zstd" if args.format == "parquet" else "FORMAT csv, HEADER true"
    try:
        for view in EXPORTED:
            target = out / f"{view}.{args.format}"
            con.execute(f"COPY (SELECT * FROM {view}) TO {sql_string(target)} ({options})")
            rows = con.execute(f"SELECT count(*) FROM {view}").fetchone()
            print(f"{target}: {rows[0] if rows else 0} rows")
    except duckdb.Error as exc:
        raise UserError(f"export failed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """One self-contained HTML file with the panel's charts (zwgk/report.py); prints its path."""
    import duckdb

    from flows.warehouse import WarehouseError, connect
    from zwgk.report import write_report

    warehouse = settings.warehouse_dir(args.warehouse)
    out = Path(args.out).resolve() if args.out else warehouse / "report.html"
    try:
        con = connect(warehouse, read_only=True)
    except WarehouseError as exc:
        raise UserError(str(exc)) from exc
    try:
        path = write_report(con, out, args.indicator, source=str(warehouse))
    except OSError as exc:
        raise UserError(f"cannot write {out}: {exc.strerror}") from exc
    except duckdb.Error as exc:
        raise UserError(f"report failed: {str(exc).splitlines()[0]}") from exc
    finally:
        con.close()
    print(path)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """One deployment per portal with a schedule, served against the Prefect API in PREFECT_API_URL."""
    from prefect import serve

    from flows.crawl import scheduled_crawl

    config = settings.config_path(args.config)
    portals = _scheduled(config, args.portal)
    if not os.environ.get("PREFECT_API_URL"):
        raise UserError("PREFECT_API_URL is not set: start the server with `make ui` and export "
                        "PREFECT_API_URL=http://127.0.0.1:4200/api")
    warehouse = str(settings.warehouse_dir(args.warehouse))
    deployments = [
        scheduled_crawl.to_deployment(name=f"crawl-{p.name}", cron=p.schedule, parameters={
            "config": str(config), "portals": [p.name], "warehouse": warehouse}, tags=["zwgk", p.name])
        for p in portals
    ]
    print(f"serving {len(deployments)} deployments: {', '.join(p.name + ' (' + str(p.schedule) + ')' for p in portals)}")
    serve(*deployments, limit=args.limit)  # type: ignore[arg-type]  # sync context: to_deployment returned values
    return 0


def _scheduled(config: Path, names: list[str] | None) -> list[settings.Portal]:
    """The chosen portals of the config that have a schedule; none is a mistake, and so is a named one without."""
    portals = _portals(str(config), names)
    unscheduled = [p.name for p in portals if not p.schedule]
    if names and unscheduled:
        raise UserError(f"portal(s) {', '.join(unscheduled)} in {config} have no schedule; "
                        "add schedule = \"0 3 * * *\" (cron)")
    scheduled = [p for p in portals if p.schedule]
    if not scheduled:
        raise UserError(f"no portal in {config} has a schedule; add schedule = \"0 3 * * *\" (cron) to one")
    return scheduled


def cmd_deploy(args: argparse.Namespace) -> int:
    """One deployment per scheduled portal on a process work pool of the Prefect API in PREFECT_API_URL; workers on
    any machine run them (flows/deploy.py)."""
    from prefect.settings import PREFECT_API_URL

    from flows.deploy import DeployError, api_error, deploy, stale_deployments

    config = settings.config_path(args.config)
    portals = _scheduled(config, args.portal)
    api = PREFECT_API_URL.value()
    if not api:
        raise UserError("PREFECT_API_URL is not set: point it at the shared Prefect server, e.g. export "
                        "PREFECT_API_URL=http://prefect.example.internal:4200/api")
    # fixed in the deployments only when given: otherwise each worker uses its own ZWGK_CONFIG / ZWGK_WAREHOUSE
    fixed_config = str(config) if args.config else None
    fixed_warehouse = str(settings.warehouse_dir(args.warehouse)) if args.warehouse else None
    try:
        created, deployed = deploy(portals, args.pool, fixed_config, fixed_warehouse)
        stale = [] if args.portal else stale_deployments(args.pool, {d.name for d in deployed})
    except DeployError as exc:
        raise UserError(str(exc)) from exc
    except Exception as exc:
        message = api_error(exc, str(api))
        if message is None:
            raise
        raise UserError(message) from exc
    print(f"work pool {args.pool} (process) {'created' if created else 'exists'} on {api}")
    where = (f"config {fixed_config or 'of each worker (ZWGK_CONFIG or its portals.toml)'}, "
             f"warehouse {fixed_warehouse or 'of each worker (ZWGK_WAREHOUSE, ZWGK_CATALOG, ZWGK_DATA_PATH)'}")
    for d in deployed:
        print(f"deployed scheduled-crawl/{d.name}: portal {d.portal}, cron \"{d.schedule}\", pool {args.pool}; {where}")
    for name in stale:
        print(f"stale scheduled-crawl/{name}: on pool {args.pool} but not in {config}; "
              f"remove it with `prefect deployment delete scheduled-crawl/{name}`")
    print(f"workers run them: prefect worker start --pool {args.pool}  (on any machine with zwgk and PREFECT_API_URL)")
    return 0


def _portal_arguments(p: argparse.ArgumentParser) -> None:
    """Which portals (a config file, some of its portals) into which warehouse: crawl and serve read the same."""
    p.add_argument("--config")
    p.add_argument("--portal", action="append")
    p.add_argument("--warehouse")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zwgk", description="Government disclosure portals to versioned, queryable data.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("demo", help="crawl the bundled portal mirror into the warehouse and show what it got")
    p.add_argument("--warehouse")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("crawl", help="one crawl run = one snapshot")
    _portal_arguments(p)
    p.set_defaults(func=cmd_crawl)
    p = sub.add_parser("clean", help="clean one page (path or URL) to JSON")
    p.add_argument("source")
    p.set_defaults(func=cmd_clean)
    p = sub.add_parser("extract", help="clean one page and print its indicators as JSON Lines")
    p.add_argument("source")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("discover", help="propose portal config entries from a site's home or catalogue page")
    p.add_argument("url")
    p.add_argument("--name", help="portal name for the proposed entries (default: the host name)")
    p.add_argument("--allow-private", action="store_true", help="allow a site on a loopback/private address")
    p.set_defaults(func=cmd_discover)
    p = sub.add_parser("reprocess", help="re-parse stored raw pages with the current parser into a new snapshot")
    p.add_argument("--warehouse")
    p.set_defaults(func=cmd_reprocess)
    p = sub.add_parser("export", help="write the current views as Parquet or CSV files")
    p.add_argument("--format", choices=("parquet", "csv"), default="parquet")
    p.add_argument("--warehouse")
    p.add_argument("dir")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("report", help="write one self-contained HTML report with charts of the warehouse")
    p.add_argument("--warehouse")
    p.add_argument("--indicator", action="append", metavar="KEY",
                   help="a canonical indicator key to chart (repeatable; default: those with the most publishers)")
    p.add_argument("--out", metavar="FILE", help="where to write the HTML (default: report.html in the warehouse)")
    p.set_defaults(func=cmd_report)
    p = sub.add_parser("serve", help="run each portal's crawl on its schedule (Prefect deployments)")
    _portal_arguments(p)
    p.add_argument("--limit", type=int, default=settings.SERVE_LIMIT,
                   help="flow runs at once: after downtime the backlog does not start all together")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("deploy", help="each portal's schedule as a Prefect deployment on a process work pool, "
                                      "for `prefect worker start --pool zwgk` on any machine")
    _portal_arguments(p)
    p.add_argument("--pool", default=settings.DEFAULT_POOL, help="the process work pool (created when missing)")
    p.set_defaults(func=cmd_deploy)
    p = sub.add_parser("sql", help="run read-only SQL against the warehouse")
    p.add_argument("--warehouse")
    p.add_argument("--format", choices=("table", "csv", "json"), default="table")
    p.add_argument("query")
    p.set_defaults(func=cmd_sql)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UserError as exc:
        print(f"zwgk {args.command}: {exc}", file=sys.stderr)
        return 2
    except RunFailed as exc:
        print(f"zwgk {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"zwgk {args.command}: interrupted; nothing partial was committed", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
