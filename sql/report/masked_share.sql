-- Per source (portal): how many of its current indicators have digits masked on the page (**%, ××亿元).
SELECT d.portal, count(*) AS indicators, count(*) FILTER (WHERE i.masked) AS masked,
       round(100.0 * count(*) FILTER (WHERE i.masked) / count(*), 1) AS masked_pct
FROM indicators i JOIN documents d USING (doc_id)
GROUP BY d.portal
ORDER BY masked_pct DESC, indicators DESC;
