-- The report's opening line: what the warehouse holds.
SELECT (SELECT count(*) FROM snapshots) AS snapshots,
       (SELECT max(finished_at) FROM snapshots) AS last_snapshot_at,
       (SELECT count(*) FROM documents) AS documents,
       (SELECT count(*) FROM indicators) AS indicators,
       (SELECT count(*) FROM indicator_panel) AS panel_facts,
       (SELECT count(*) FROM indicator_panel WHERE conflict) AS conflicts,
       (SELECT count(DISTINCT publisher) FROM indicator_panel) AS publishers;
