-- One portal as its runs left it: the first thing to open when watching 200 portals. A portal whose runs fail,
-- or that has not brought a new document in months, shows here before anyone misses its figures.
CREATE OR REPLACE VIEW portal_health AS
WITH runs AS (  -- runs of committed snapshots only
    SELECT r.*, s.finished_at FROM portal_runs r JOIN snapshots s ON s.snapshot_id = r.snapshot_id
), last_run AS (
    SELECT * FROM runs QUALIFY row_number() OVER (PARTITION BY portal ORDER BY snapshot_id DESC) = 1
), last_success AS (
    SELECT portal, max(snapshot_id) AS snapshot_id, arg_max(finished_at, snapshot_id) AS finished_at
    FROM runs WHERE state NOT LIKE 'failed%' GROUP BY portal
), newest AS (  -- when each portal's newest document was first stored (its first version need not be 1:
    SELECT portal, max(first_stored_at) AS first_stored_at  -- a load that died may have held that number)
    FROM (SELECT v.portal, min(s.finished_at) AS first_stored_at
          FROM version_rows v JOIN snapshots s ON s.snapshot_id = v.valid_from GROUP BY v.portal, v.doc_id)
    GROUP BY portal
)
SELECT l.portal,
       l.snapshot_id AS last_run_snapshot,
       ls.snapshot_id AS last_success_snapshot,
       ls.finished_at AS last_success_at,
       l.state, l.listed, l.new, l.changed, l.failed,
       date_diff('day', n.first_stored_at, current_timestamp AT TIME ZONE 'UTC') AS days_since_new_document,
       (SELECT count(*) FROM runs f WHERE f.portal = l.portal AND f.state LIKE 'failed%'
          AND f.snapshot_id > coalesce(ls.snapshot_id, 0)) AS consecutive_failed_runs,
       l.note
FROM last_run l
LEFT JOIN last_success ls ON ls.portal = l.portal
LEFT JOIN newest n ON n.portal = l.portal
ORDER BY consecutive_failed_runs DESC, l.portal;
