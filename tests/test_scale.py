"""Province scale on one machine: every host worked at once, the progress a user sees, the health of portals."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from flows.warehouse import connect
from mirror.server import VARIANTS, Mirror, column_slots, synthetic_articles, variant_articles
from zwgk import settings

pytestmark = pytest.mark.slow

HOSTS = [f"h{n}" for n in range(6)]


def _crawl_cli(config: Path, warehouse: Path, **popen: object) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ZWGK_WAREHOUSE": str(warehouse)}
    env.pop("PREFECT_API_URL", None)
    return subprocess.Popen([sys.executable, "-m", "zwgk.cli", "crawl", "--config", str(config)], env=env, **popen)  # type: ignore[call-overload]


def test_every_host_is_worked_at_once_each_at_its_own_rate(tmp_path: Path) -> None:
    """Six one-host portals at 10 requests/s: every host has its articles asked for while the others are still at
    theirs (portal by portal, the last host would start after the first had finished), and no host gets more
    than its rate (the server's own log)."""
    rate = 10.0
    with Mirror(synthetic_articles(21, 6 * 12, column_slots(HOSTS, 1)), perpage=15) as mirror:
        config = tmp_path / "province.toml"
        config.write_text("\n".join(mirror.jcms_config(h, [h], rate=rate) for h in HOSTS), encoding="utf-8")
        proc = _crawl_cli(config, tmp_path / "wh", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err.decode()
        log = list(mirror.requests)
    for host in HOSTS:
        assert f"{host}: listed 12, fetched 12" in out.decode()
    articles = {h: sorted(t for t, host, _m, p in log if host == h and "/art/" in p) for h in HOSTS}
    assert max(a[0] for a in articles.values()) < min(a[-1] for a in articles.values())
    for host in HOSTS:
        times = sorted(t for t, h, _m, _p in log if h == host)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 1 / rate - 0.03, host  # requests to one host take turns, an interval apart


def _run_under_pty(config: Path, warehouse: Path) -> str:
    primary, secondary = pty.openpty()
    proc = _crawl_cli(config, warehouse, stdin=secondary, stdout=secondary, stderr=secondary)
    os.close(secondary)
    chunks = []
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        ready, _, _ = select.select([primary], [], [], 1.0)
        if ready:
            try:
                data = os.read(primary, 65536)
            except OSError:  # the other side closed: the process is gone
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(primary)
    assert proc.returncode == 0
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_progress_bar_on_a_terminal_and_plain_lines_in_a_pipe(tmp_path: Path) -> None:
    with Mirror(variant_articles(), sites={h: k for h, (k, _c, _n) in VARIANTS.items()}) as mirror:
        config = tmp_path / "portals.toml"
        config.write_text(mirror.config_toml(), encoding="utf-8")
        terminal = _run_under_pty(config, tmp_path / "wh-tty")
        piped = _crawl_cli(config, tmp_path / "wh-pipe", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = piped.communicate(timeout=600)
    assert piped.returncode == 0
    listed = sum(sum(c) for _h, (k, _x, c) in VARIANTS.items() if k != "challenge")
    assert "━" in terminal and f"{listed}/{listed}" in terminal and "pages" in terminal  # the bar, drawn to the end
    assert "challenge-mirror: failed: " in terminal  # a failing portal is named as it finishes
    lines = err.decode()
    assert "━" not in lines and "\x1b[" not in lines
    assert f"crawl: {listed}/{listed} pages done, 0 failed" in lines
    assert "crawl: challenge-mirror: failed: " in lines
    assert "snapshot 1:" in out.decode() and "snapshot 1:" in terminal


def test_portal_health_shows_each_portal_as_its_runs_left_it(prefect_harness, tmp_path: Path) -> None:
    from flows.crawl import crawl

    with Mirror(variant_articles(), sites={h: k for h, (k, _c, _n) in VARIANTS.items()}) as mirror:
        portals = [p for p in settings.parse_portals(mirror.config_toml()) if p.name in ("trs-mirror", "challenge-mirror")]
        crawl(portals=portals, warehouse=str(tmp_path / "wh"))
        crawl(portals=portals, warehouse=str(tmp_path / "wh"))
    con = connect(tmp_path / "wh", read_only=True)
    rows = con.execute("SELECT portal, last_run_snapshot, last_success_snapshot, state, listed, new, changed, failed, "
                       "days_since_new_document, consecutive_failed_runs, note FROM portal_health").fetchall()
    con.close()
    by_portal = {r[0]: r for r in rows}
    assert [r[0] for r in rows] == ["challenge-mirror", "trs-mirror"]  # the failing one first
    challenge = by_portal["challenge-mirror"]
    assert (challenge[1], challenge[2], challenge[9]) == (2, None, 2) and challenge[3].startswith("failed: ")
    assert "JavaScript cookie challenge" in challenge[10]
    trs = by_portal["trs-mirror"]
    assert trs[1:10] == (2, 2, "ok", 25, 0, 0, 0, 0, 0)
