-- Units are from the canonical set of spec/indicators.md.
SELECT doc_id, name, unit FROM indicator_rows
WHERE unit IS NOT NULL AND unit NOT IN ('CNY', 'USD', 'mu', 'm2', 'km2', 'km', 'm', 'm3', 'tce', 't', 'kWh', 'pct', 'count');
