-- Level targets with the result for their period: the share of the target reached.
SELECT publisher, canonical, period, target, result, unit, gap, gap_pct, result_kind, conflict, result_url
FROM targets_vs_results
WHERE gap_pct IS NOT NULL
ORDER BY gap_pct, publisher, canonical, period
LIMIT $limit;
