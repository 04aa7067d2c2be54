-- Which DuckLake version holds each crawl snapshot: use it for DuckLake time travel,
--   SELECT * FROM document_versions AT (VERSION => (SELECT lake_version FROM snapshot_versions WHERE snapshot_id = 3))
-- (The load writes the crawl snapshot id into its commit; the catalog must be attached AS zwgk.)
CREATE OR REPLACE VIEW snapshot_versions AS
SELECT CAST(json_extract_string(commit_extra_info, '$.snapshot_id') AS BIGINT) AS snapshot_id,
       snapshot_id AS lake_version,
       snapshot_time AS committed_at
FROM ducklake_snapshots('zwgk')
WHERE author = 'zwgk' AND commit_extra_info IS NOT NULL;
