-- What changed between two snapshots: pages new, changed or gone after `from_snapshot` up to and
-- including `to_snapshot`, with the title they had then. Edit the two numbers in `params`;
-- by default: everything up to the latest snapshot.
WITH params AS (
    SELECT 0 AS from_snapshot, (SELECT max(snapshot_id) FROM snapshots) AS to_snapshot
)
SELECT c.snapshot_id, c.change, v.publisher, v.title, c.url
FROM document_changes c, params p
JOIN document_versions v ON v.doc_id = c.doc_id AND v.valid_from <= c.snapshot_id
WHERE c.snapshot_id > p.from_snapshot AND c.snapshot_id <= p.to_snapshot
QUALIFY row_number() OVER (PARTITION BY c.snapshot_id, c.doc_id ORDER BY v.valid_from DESC) = 1
ORDER BY c.snapshot_id, c.change, v.publisher;
