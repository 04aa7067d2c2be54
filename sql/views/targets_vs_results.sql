-- A target for a period next to the result for that same period (from indicator_panel, so each side is the fact
-- its rule chose: the latest restated target, the actual if there is one, else the latest estimate). The gap is
-- the result minus the target, in the indicator's unit (the base unit: 元, 家, 亩 …) and in percent of the target;
-- growth targets (GDP增长6%) are set against the growth achieved, in percentage points. A result in conflict gives
-- one row per disagreeing value (conflict = true). A target for 2024 meets only a 2024 result: a half-year
-- result is progress, not the outcome.
CREATE OR REPLACE VIEW targets_vs_results AS
SELECT t.publisher, t.region, t.canonical, t.period,
       t.value_base AS target, r.value_base AS result, t.unit,
       r.value_base - t.value_base AS gap,
       round(100.0 * (r.value_base - t.value_base) / nullif(t.value_base, 0), 1) AS gap_pct,
       t.yoy_pct AS target_yoy_pct, r.yoy_pct AS result_yoy_pct,
       round(r.yoy_pct - t.yoy_pct, 2) AS yoy_gap_pp,
       r.kind AS result_kind, r.conflict,
       t.doc_id AS target_doc_id, r.doc_id AS result_doc_id, t.url AS target_url, r.url AS result_url,
       t.quote AS target_quote, r.quote AS result_quote
FROM indicator_panel t
JOIN indicator_panel r
  ON r.publisher IS NOT DISTINCT FROM t.publisher AND r.region IS NOT DISTINCT FROM t.region
 AND r.canonical = t.canonical AND r.period = t.period AND r.kind <> 'target'
 AND ((t.value_base IS NOT NULL AND r.value_base IS NOT NULL AND r.unit = t.unit)
      OR (t.yoy_pct IS NOT NULL AND r.yoy_pct IS NOT NULL))
WHERE t.kind = 'target';
