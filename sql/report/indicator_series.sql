-- Results (actuals, else estimates) with a level for the chosen indicators: one point per panel fact.
SELECT canonical, publisher, period, kind, value_base, unit, yoy_pct, conflict, url, quote
FROM indicator_panel
WHERE kind <> 'target' AND value_base IS NOT NULL AND list_contains($indicators, canonical)
ORDER BY canonical, publisher, period;
