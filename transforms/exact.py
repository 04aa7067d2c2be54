"""Exact values for the warehouse: value, value_base and value_high as DECIMAL(38, 6).

The number grammar reads `773.76亿元` as Decimal('773.76') × 10^8, but the indicator rows carry floats, and
773.76 × 1e8 in floating point is 77375999999.99999. A float holds the digits a page prints (at most 15
significant digits in practice), so rounding it to the scale gives back the written decimal, and the base value
is then that decimal times the (integral) multiplier, computed in decimal arithmetic.

Why (38, 6): 38 digits is the widest DECIMAL DuckDB and Parquet store (above 18 digits both use 16 bytes, so a
narrower width would cost the same); 6 decimals is the scale value_base was always rounded to, and more than any
figure prints; that leaves 32 integer digits, far above any amount in 元 (a country's GDP is 10^14 元) and any
count. Growth rates and shares (yoy_pct, target_pct) stay DOUBLE: they are ratios, never summed as money.
"""

from __future__ import annotations

from decimal import Decimal

import polars as pl

PRECISION, SCALE = 38, 6
EXACT = pl.Decimal(PRECISION, SCALE)
# a base value at or above this is no figure a report prints (a misread run of digits): stored as null, flagged
EXACT_LIMIT = Decimal(10) ** 26


def exact_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """value, value_high and value_base as exact decimals; a value too large to be a figure is nulled and flagged
    (issues, valid), never stored rounded."""
    value = pl.col("value").cast(EXACT, strict=False)
    high = pl.col("value_high").cast(EXACT, strict=False)
    multiplier = pl.col("multiplier").cast(pl.Decimal(PRECISION, 0), strict=False)
    too_big = (pl.col("value").abs() * pl.col("multiplier") >= float(EXACT_LIMIT)) | (
        pl.col("value_high").abs() * pl.col("multiplier") >= float(EXACT_LIMIT))
    too_big = too_big.fill_null(False)
    return frame.with_columns(
        value=pl.when(too_big).then(None).otherwise(value),
        value_high=pl.when(too_big).then(None).otherwise(high),
        value_base=pl.when(too_big).then(None).otherwise(value * multiplier),
        issues=pl.when(too_big).then(pl.concat_str([pl.col("issues").fill_null(""), pl.lit("value beyond exact range;")]))
        .otherwise(pl.col("issues")),
        valid=pl.col("valid") & ~too_big,
    )
