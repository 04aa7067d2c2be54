-- The indicator panel: one fact per (publisher, region, canonical indicator, period, kind), chosen among every
-- mention of it in the current documents, with where it was read (doc_id, version, url, quote).
--
-- The choice rule (README, "The indicator panel"):
-- * Candidates: indicators of the current version of each document, read by the latest parser (as in the
--   `indicators` view), with a canonical key, a period (period_norm: 2024, 2024H1, 2024Q3, 2024M01-09), valid, and
--   a level or a growth rate (a figure masked to nothing says nothing). A completion share (固定资产投资完成年度目标的
--   87.8%: a pct row whose value is its target_pct) is a share of a target, not a level of the indicator: left out.
-- * Periods are facts of their own: a half-year figure (2024H1), a 1-9月 figure (2024M01-09) and the annual one
--   (2024) are three rows; 1-6月 and 上半年 are one period (transforms/period.py writes both as 2024H1).
-- * Targets and results stay apart: targets compete with targets; actuals and estimates compete for one row, whose
--   kind says which won.
-- * In each row, the winner is: an actual before an estimate; then a figure with a level before a growth rate
--   alone; then the later-published document (published_at, else written_date, then the later stored version);
--   then an exact figure before a bound (以上, 以内, a range); then the earlier mention in its document.
--   So an actual published after an estimate for the same period replaces it, and a target restated later wins.
-- * Conflicts: an actual of another document, in the same unit, whose level disagrees with the winner's is kept as
--   a row of its own, and every row of that fact has conflict = true. Two printed figures disagree when they differ
--   by more than their printing can explain: a figure stands for ±half its last printed digit (773.76亿元 for
--   ±0.005亿元, 774亿元 for ±0.5亿元), so 773.76亿元 and 774亿元 agree and 780亿元 disagrees with both. One row per
--   disagreeing value (the best-ranked document that prints it). Estimates and targets are revised, never conflicts.
CREATE OR REPLACE VIEW indicator_panel AS
WITH candidates AS (
    SELECT d.publisher, d.region, i.canonical, i.period_norm AS period, i.period_raw, i.kind,
           CASE WHEN i.kind = 'target' THEN 'target' ELSE 'result' END AS slot,
           i.value, i.unit, i.value_base, i.yoy_pct, i.doc_id, i.version, d.url, i.quote, i.seq, i.bound,
           coalesce(try_cast(left(d.published_at, 10) AS DATE), d.written_date) AS published, d.valid_from,
           -- half the last printed digit, in the base unit (raw as written: full-width digits count too)
           i.multiplier * 0.5 * pow(10, -length(coalesce(
               regexp_extract(translate(i.raw, '０１２３４５６７８９．', '0123456789.'), '[0-9]\.([0-9]+)', 1), ''))) AS half_digit
    FROM indicator_rows i
    JOIN document_versions d ON d.doc_id = i.doc_id AND d.version = i.version
    WHERE d.valid_to IS NULL
      AND i.parser_version = (SELECT max(j.parser_version) FROM indicator_rows j
                              WHERE j.doc_id = i.doc_id AND j.version = i.version)
      AND i.canonical IS NOT NULL AND i.period_norm IS NOT NULL AND i.valid
      AND (i.value_base IS NOT NULL OR i.yoy_pct IS NOT NULL)
      AND NOT (i.unit = 'pct' AND i.target_pct IS NOT NULL AND i.value = i.target_pct)
), ranked AS (
    SELECT *,
           row_number() OVER fact AS rank,
           first_value(kind) OVER fact AS top_kind,
           first_value(value_base) OVER fact AS top_value_base,
           first_value(half_digit) OVER fact AS top_half_digit,
           first_value(unit) OVER fact AS top_unit,
           first_value(doc_id) OVER fact AS top_doc_id
    FROM candidates
    WINDOW fact AS (PARTITION BY publisher, region, canonical, period, slot
                    ORDER BY kind <> 'actual', value_base IS NULL, published DESC NULLS LAST, valid_from DESC,
                             bound NOT IN ('exact', 'approx'), seq, doc_id)
), dissent AS (  -- actuals of other documents that disagree with the winner: each document's best such row
    SELECT * FROM ranked
    WHERE rank > 1 AND kind = 'actual' AND top_kind = 'actual' AND value_base IS NOT NULL
      AND top_value_base IS NOT NULL AND unit = top_unit AND doc_id <> top_doc_id
      AND abs(value_base - top_value_base) > half_digit + top_half_digit
    QUALIFY row_number() OVER (PARTITION BY publisher, region, canonical, period, slot, doc_id ORDER BY rank) = 1
), kept AS (
    SELECT * FROM ranked WHERE rank = 1
    UNION ALL
    SELECT d.* FROM dissent d  -- a value that a better-ranked dissenting document already prints is not repeated
    WHERE NOT EXISTS (
        SELECT 1 FROM dissent b
        WHERE b.publisher IS NOT DISTINCT FROM d.publisher AND b.region IS NOT DISTINCT FROM d.region
          AND b.canonical = d.canonical AND b.period = d.period AND b.slot = d.slot AND b.rank < d.rank
          AND abs(b.value_base - d.value_base) <= b.half_digit + d.half_digit)
)
SELECT publisher, region, canonical, period, period_raw, kind, value, unit, value_base, yoy_pct,
       count(*) OVER (PARTITION BY publisher, region, canonical, period, slot) > 1 AS conflict,
       doc_id, version, url, quote
FROM kept;
