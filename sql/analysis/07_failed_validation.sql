-- Indicators flagged by validation (negative counts, growth beyond ±1000%, shares over 1000%):
-- loaded, never silently dropped; check them against the page before quoting.
SELECT publisher, name, raw, yoy_pct, target_pct, issues, quote, url
FROM indicators
WHERE NOT valid
ORDER BY publisher, name;
