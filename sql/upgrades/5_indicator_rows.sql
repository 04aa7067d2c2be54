-- Schema 4 -> 5, run once inside the transaction that opens an older warehouse: DuckLake changes a column's type
-- only by widening (INTEGER -> BIGINT), so indicator_rows is rebuilt: the old table was renamed
-- indicator_rows_schema4, the new one created from sql/schema, and every row is copied with exact values and the
-- periods the loader computed in Python (upgrade_periods, registered for this statement). The old table is then
-- dropped: DuckLake keeps its files, so `indicator_rows AT (VERSION => v)` for a lake version before the upgrade
-- still reads it (DOUBLE columns) until those snapshots are expired.
-- value: the DOUBLE held the printed decimal to 15 digits, so rounding it to 6 places gives it back exactly;
-- value_base: value times the integral multiplier, exact (the DOUBLE product was off in its last digit,
-- 587.06 * 1e8 = 58705999999.99999). A base value of 10^26 or more is no figure (transforms/exact.py): nulled, flagged.
INSERT INTO indicator_rows
SELECT i.doc_id, i.version, i.parser_version, i.seq, i.name,
       CASE WHEN NOT too_big THEN CAST(i.value AS DECIMAL(38, 6)) END,
       i.multiplier, i.unit,
       CASE WHEN NOT too_big THEN CAST(i.value AS DECIMAL(38, 6)) * CAST(i.multiplier AS DECIMAL(38, 0)) END,
       i.raw, i.yoy_pct, i.target_pct, i.kind, i.bound,
       CASE WHEN NOT too_big THEN CAST(i.value_high AS DECIMAL(38, 6)) END,
       i.masked, i.parent, i.period, p.period_norm, p.period_raw, i.quote, i.canonical,
       i.valid AND NOT too_big,
       CASE WHEN too_big THEN coalesce(i.issues, '') || 'value beyond exact range;' ELSE i.issues END
FROM (SELECT *, coalesce(abs(value * multiplier) >= 1e26 OR abs(value_high * multiplier) >= 1e26, false) AS too_big
      FROM indicator_rows_schema4) i
LEFT JOIN upgrade_periods p
       ON p.doc_id = i.doc_id AND p.version = i.version AND p.parser_version = i.parser_version AND p.seq = i.seq;
DROP TABLE indicator_rows_schema4;
