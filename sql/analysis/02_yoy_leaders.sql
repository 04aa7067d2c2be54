-- Fastest growth per indicator: the three publishers with the highest reported year-on-year change
-- for each canonical indicator and period (reported results only, not targets).
SELECT canonical, period, publisher, name, yoy_pct, raw, url
FROM (
    SELECT *, row_number() OVER (PARTITION BY canonical, period ORDER BY yoy_pct DESC) AS rank_in_period
    FROM indicators
    WHERE canonical IS NOT NULL AND yoy_pct IS NOT NULL AND kind = 'actual' AND valid
)
WHERE rank_in_period <= 3
ORDER BY canonical, period, yoy_pct DESC;
