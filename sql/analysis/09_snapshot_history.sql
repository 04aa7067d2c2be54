-- Every run: what it found and changed, and the DuckLake version that holds it (for AT (VERSION => v)).
SELECT s.snapshot_id, s.kind, s.started_at, s.pages_listed, s.pages_fetched, s.pages_unchanged, s.pages_failed,
       s.docs_new, s.docs_changed, s.docs_gone, s.indicators, s.parser_version, v.lake_version
FROM snapshots s LEFT JOIN snapshot_versions v USING (snapshot_id)
ORDER BY s.snapshot_id;
