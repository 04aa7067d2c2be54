"""All constants and configuration in one place: defaults here, a TOML file, then environment variables."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = PROJECT_ROOT / "sql"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse"
DEFAULT_CONFIG = PROJECT_ROOT / "portals.toml"
DEFAULT_POOL = "zwgk"  # the Prefect process work pool `zwgk deploy` puts the crawls on

USER_AGENT = "zwgk/0.1 (+https://github.com/zwgk/zwgk; open data crawler for disclosure portals)"
CONNECT_TIMEOUT_S = 10.0
READ_TIMEOUT_S = 30.0
MAX_PAGE_BYTES = 20 * 1024 * 1024
DEFAULT_RATE = 1.0  # requests per second per host
POLITE_RATE = 10.0  # at or below this rate a host gets one request at a time, an interval after the last ended
FETCH_ATTEMPTS = 4
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 60.0
PORTAL_WORKERS = 256  # portal tasks running at once; each waits on the scheduler, so this bounds threads, not hosts
MAX_CONNECTIONS = 256  # sockets open at once across all hosts
HOST_CONNECTIONS = 8  # requests in flight to one host, reached only at rates far above politeness (flows/schedule.py)
BODIES_IN_FLIGHT = 512  # article bodies fetched and not yet processed: the crawl's memory bound (~25 KB each)
MAX_PROCESSING_WORKERS = 16  # worker processes for clean + extract + normalise (default: one per core)
PROCESS_BATCH = 16  # pages per processing job: amortises the trip to the worker process
BATCH_WAIT_S = 0.05  # a batch goes to a worker when full or when no page came for this long
BATCHES_PER_WORKER = 2  # processing jobs queued per worker: a worker never waits for its next batch
PROGRESS_EVERY_S = 1.0  # how often progress reaches the Prefect artifact and the command line
MAX_LIST_PAGES = 200  # list requests per column and run (column pages, dataproxy windows, unit pages)
ERROR_BODY_BYTES = 256 * 1024  # kept of a refused or failed answer: enough to name a challenge or login wall
SERVE_LIMIT = 2  # scheduled crawl runs at once under `zwgk serve`
LOAD_WAIT_S = 3600.0  # how long a load waits for another load of the same portals to finish
# A PostgreSQL session that holds a load's locks is dropped this long after its machine went silent (TCP keepalive),
# so a loader that lost power is not taken for a live one for hours.
LOCK_KEEPALIVE_S = 10
MAINTENANCE_WAIT_S = 5.0  # how long a finished load waits to merge files; it skips them when another load is busy
API_STARTUP_TIMEOUT_S = 180.0  # a fresh PREFECT_HOME runs its database migrations first
API_SHUTDOWN_GRACE_S = 1.0  # the private Prefect API, its parent gone: a clean shutdown this long, then exit

_NAME = re.compile(r"^[a-z0-9-]+$")
CMS_KINDS = ("jcms", "jpaas", "xxgk", "generic")  # a hint: each column page is read by what it declares


class ConfigError(ValueError):
    """The portal config cannot be used: the message says what and where."""


@dataclass(frozen=True)
class Portal:
    name: str
    cms: str
    start_urls: tuple[str, ...]
    article_pattern: str | None = None  # a regex for article links; default: the article shapes portals use
    rate: float = DEFAULT_RATE
    max_pages: int | None = None
    schedule: str | None = None
    allow_private: bool = False
    allowed_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    user_agent: str = USER_AGENT
    portals: tuple[Portal, ...] = field(default_factory=tuple)


def _portal(raw: dict[str, Any], where: str) -> Portal:
    name = raw.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise ConfigError(f"{where}: portal name {name!r} must match [a-z0-9-]+")
    cms = raw.get("cms", "jcms")
    if cms not in CMS_KINDS:
        raise ConfigError(f"{where}: portal {name}: cms must be one of {', '.join(CMS_KINDS)}, not {cms!r}")
    urls = raw.get("start_urls")
    if not isinstance(urls, list) or not urls or not all(isinstance(u, str) and u.startswith(("http://", "https://")) for u in urls):
        raise ConfigError(f"{where}: portal {name}: start_urls must be a non-empty list of http(s) URLs")
    rate = raw.get("rate", DEFAULT_RATE)
    if not isinstance(rate, int | float) or rate <= 0:
        raise ConfigError(f"{where}: portal {name}: rate must be a positive number of requests per second")
    pattern = raw.get("article_pattern")
    try:
        if pattern is not None:
            re.compile(pattern)
    except (re.error, TypeError) as exc:
        raise ConfigError(f"{where}: portal {name}: article_pattern is not a valid regex: {exc}") from exc
    max_pages = raw.get("max_pages")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        raise ConfigError(f"{where}: portal {name}: max_pages must be a positive integer")
    return Portal(
        name=name,
        cms=cms,
        start_urls=tuple(urls),
        article_pattern=pattern,
        rate=float(rate),
        max_pages=max_pages,
        schedule=raw.get("schedule"),
        allow_private=bool(raw.get("allow_private", False)),
        allowed_hosts=tuple(raw.get("allowed_hosts", ())),
    )


def parse_portals(text: str, where: str = "config") -> tuple[Portal, ...]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{where}: not valid TOML: {exc}") from exc
    raw_portals = data.get("portals")
    if not isinstance(raw_portals, list) or not raw_portals:
        raise ConfigError(f"{where}: no [[portals]] entries")
    portals = tuple(_portal(p, where) for p in raw_portals)
    names = [p.name for p in portals]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise ConfigError(f"{where}: duplicate portal names: {', '.join(sorted(dupes))}")
    return portals


def load_portals(path: Path) -> tuple[Portal, ...]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}; pass --config FILE") from exc
    return parse_portals(text, str(path))


@dataclass(frozen=True)
class WarehouseLocation:
    """Where one warehouse lives: its folder (local state: SQLite catalog, locks, staging), its DuckLake catalog
    and its data path, which a team shares across machines."""

    folder: Path
    catalog: str = "sqlite"  # "sqlite" (catalog.sqlite in the folder) or "postgres:<libpq connection string>"
    data_path: str = ""  # a folder, a shared path or s3://...; empty: <folder>/data/

    @property
    def postgres(self) -> str | None:
        """The libpq connection string of a PostgreSQL catalog, None for the embedded SQLite one."""
        return self.catalog.removeprefix("postgres:") if self.catalog.startswith("postgres:") else None

    @property
    def data(self) -> str:
        if not self.data_path:
            return str(self.folder / "data") + "/"
        return self.data_path if self.data_path.endswith("/") else self.data_path + "/"

    @property
    def remote_data(self) -> bool:
        return "://" in self.data_path


def _warehouse_table(config: Path | None) -> dict[str, Any]:
    path = config or config_path()
    if config is None and not path.exists():
        return {}
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8")).get("warehouse", {})
    except OSError as exc:
        raise ConfigError(f"cannot read config {path}: {exc.strerror}; pass --config FILE") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    if not isinstance(table, dict) or not all(isinstance(table.get(k, ""), str) for k in ("catalog", "data_path")):
        raise ConfigError(f"{path}: [warehouse] catalog and data_path must be strings")
    return table


def warehouse_location(folder: Path, config: Path | None = None) -> WarehouseLocation:
    """The [warehouse] table of the config file, then ZWGK_CATALOG / ZWGK_DATA_PATH (the environment wins)."""
    table = _warehouse_table(config)
    catalog = os.environ.get("ZWGK_CATALOG") or table.get("catalog") or "sqlite"
    data_path = os.environ.get("ZWGK_DATA_PATH") or table.get("data_path") or ""
    if catalog != "sqlite" and not (catalog.startswith("postgres:") and catalog.removeprefix("postgres:").strip()):
        raise ConfigError(f"warehouse catalog {catalog!r}: use \"sqlite\" or \"postgres:\" + a libpq connection "
                          "string, e.g. postgres:dbname=zwgk host=db.internal user=zwgk")
    if data_path and "://" not in data_path:
        data_path = str(Path(data_path).expanduser().resolve())
    return WarehouseLocation(folder=folder.resolve(), catalog=catalog, data_path=data_path)


def warehouse_dir(explicit: str | Path | None = None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get("ZWGK_WAREHOUSE")
    return Path(env).resolve() if env else DEFAULT_WAREHOUSE


def api_startup_timeout() -> float:
    """Prefect's own variable for its ephemeral server, honoured for the private API that replaces it."""
    value = os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS")
    try:
        return float(value) if value else API_STARTUP_TIMEOUT_S
    except ValueError:
        return API_STARTUP_TIMEOUT_S


def user_agent() -> str:
    return os.environ.get("ZWGK_USER_AGENT", USER_AGENT)


def config_path(explicit: str | Path | None = None) -> Path:
    """The portal config: --config, else ZWGK_CONFIG, else the checkout's portals.toml (a worker reads its own)."""
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get("ZWGK_CONFIG")
    return Path(env).resolve() if env else DEFAULT_CONFIG
