-- How much each source hides: the share of its indicators whose digits are masked (***).
-- A mirror site that masks figures is a worse source than the portal itself.
SELECT d.portal, i.publisher, count(*) AS indicators,
       count(*) FILTER (WHERE i.masked) AS masked,
       round(100.0 * count(*) FILTER (WHERE i.masked) / count(*), 1) AS masked_pct
FROM indicators i JOIN documents d USING (doc_id)
GROUP BY ALL
ORDER BY masked_pct DESC, indicators DESC;
