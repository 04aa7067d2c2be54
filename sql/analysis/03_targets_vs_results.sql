-- Targets against later results of the same publisher: a target for period P (from a plan) next to
-- what a later report of that publisher says was achieved for P. Matched on the canonical key,
-- or on the name when the indicator has no key.
WITH targets AS (
    SELECT publisher, coalesce(canonical, name) AS indicator, period, value_base AS target, unit, bound,
           published_at AS planned_in, url AS plan_url
    FROM indicators WHERE kind = 'target' AND value_base IS NOT NULL
), results AS (
    SELECT publisher, coalesce(canonical, name) AS indicator, period, value_base AS result, unit,
           published_at AS reported_in, url AS report_url
    FROM indicators WHERE kind IN ('actual', 'estimate') AND value_base IS NOT NULL
)
SELECT t.publisher, t.indicator, t.period, t.target, t.bound, r.result, t.unit,
       round(100.0 * r.result / nullif(t.target, 0), 1) AS pct_of_target, t.planned_in, r.reported_in,
       t.plan_url, r.report_url
FROM targets t
JOIN results r ON r.publisher = t.publisher AND r.indicator = t.indicator AND r.period = t.period
              AND r.unit = t.unit AND r.reported_in > t.planned_in
ORDER BY t.publisher, t.period, t.indicator;
