-- Documents per snapshot, by what the snapshot did to them.
SELECT snapshot_id, kind, docs_new AS new, docs_changed AS changed, docs_unchanged AS unchanged, docs_gone AS gone,
       pages_failed, finished_at
FROM snapshots
ORDER BY snapshot_id;
