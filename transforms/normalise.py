"""Indicator rows to a typed polars frame: value_base, canonical keys, validation flags."""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources
from typing import Any

import polars as pl

from transforms.models import Indicator

INDICATOR_SCHEMA: dict[str, Any] = {
    "name": pl.Utf8, "value": pl.Float64, "multiplier": pl.Float64, "unit": pl.Utf8, "value_base": pl.Float64,
    "raw": pl.Utf8, "yoy_pct": pl.Float64, "target_pct": pl.Float64, "kind": pl.Utf8, "bound": pl.Utf8,
    "value_high": pl.Float64, "masked": pl.Boolean, "parent": pl.Utf8, "period": pl.Utf8, "quote": pl.Utf8,
}
COUNT_LIKE_UNITS = ("count", "mu", "m2", "km2", "km", "m", "m3", "t", "tce", "kWh")


@lru_cache(maxsize=1)
def canonical_map() -> dict[str, str]:
    """Alias -> canonical key, from the dictionary shipped as data (transforms/canonical_indicators.csv)."""
    text = resources.files("transforms").joinpath("canonical_indicators.csv").read_text(encoding="utf-8")
    return {row["alias"]: row["canonical"] for row in csv.DictReader(text.splitlines())}


def indicators_frame(indicators: list[Indicator]) -> pl.DataFrame:
    return indicators_frames([indicators])[0]


def indicators_frames(per_page: list[list[Indicator]]) -> list[pl.DataFrame]:
    """One frame per page, normalised together: polars' per-call overhead is paid once per batch."""
    rows = [{**ind.to_dict(), "page_no": n} for n, page in enumerate(per_page) for ind in page]
    schema = {**INDICATOR_SCHEMA, "page_no": pl.Int32}
    frame = normalise(pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema))
    parts = frame.partition_by("page_no", as_dict=True, include_key=False, maintain_order=True)
    empty = frame.clear().drop("page_no")
    return [parts.get((n,), empty) for n in range(len(per_page))]


def normalise(frame: pl.DataFrame) -> pl.DataFrame:
    """Recompute value_base, attach the canonical key, flag impossible values (flagged, never dropped)."""
    mapping = canonical_map()
    frame = frame.with_columns(
        value_base=pl.when(pl.col("value").is_not_null()).then((pl.col("value") * pl.col("multiplier")).round(6)).otherwise(None),
        canonical=pl.col("name").replace_strict(mapping, default=None, return_dtype=pl.Utf8),
    )
    issues = pl.concat_str(
        [
            pl.when((pl.col("value") < 0) & pl.col("unit").is_in(COUNT_LIKE_UNITS)).then(pl.lit("negative quantity;")),
            pl.when(pl.col("yoy_pct").abs() > 1000).then(pl.lit("yoy beyond ±1000%;")),
            pl.when((pl.col("unit") == "pct") & (pl.col("value") > 1000)).then(pl.lit("percentage over 1000;")),
            pl.when(pl.col("target_pct") > 1000).then(pl.lit("target share over 1000%;")),
            pl.when(pl.col("target_pct") < 0).then(pl.lit("negative target share;")),
        ],
        ignore_nulls=True,
    )
    return frame.with_columns(issues=pl.when(issues == "").then(None).otherwise(issues)).with_columns(
        valid=pl.col("issues").is_null()
    )
