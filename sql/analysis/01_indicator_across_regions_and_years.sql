-- One indicator across publishers, regions and years: the figure an analyst tracks.
-- Change the canonical key in the WHERE clause (see transforms/canonical_indicators.csv for the keys).
SELECT canonical, publisher, region, period, kind, name, raw, value_base, unit, yoy_pct, url
FROM indicators
WHERE canonical = 'fixed_asset_investment'
  AND NOT masked
ORDER BY period, publisher;
