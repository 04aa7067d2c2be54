-- URLs whose latest fetch failed, with how many snapshots in a row they have failed.
CREATE OR REPLACE VIEW fetch_failures AS
WITH committed_fetches AS (  -- fetches of a load still running are not there yet
    SELECT * FROM fetches WHERE snapshot_id IN (SELECT snapshot_id FROM snapshots)
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY url ORDER BY snapshot_id DESC) AS rn FROM committed_fetches
)
SELECT r.portal, r.url, r.status, r.error, r.attempts, r.snapshot_id AS last_snapshot,
       (SELECT count(*) FROM committed_fetches f WHERE f.url = r.url AND f.error IS NOT NULL) AS failed_runs
FROM ranked r
WHERE r.rn = 1 AND r.error IS NOT NULL;
