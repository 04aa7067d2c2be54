-- Targets against results of the same publisher for the same period (the targets_vs_results view, built on
-- indicator_panel): how far each target was missed or beaten, in the indicator's unit and in percent.
SELECT publisher, canonical, period, target, result, unit, gap, gap_pct, target_yoy_pct, result_yoy_pct,
       yoy_gap_pp, result_kind, conflict, target_url, result_url
FROM targets_vs_results
ORDER BY publisher, period, canonical;
