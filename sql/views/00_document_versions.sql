-- One version of one page: valid_from/valid_to are snapshot ids, valid_to null while current.
CREATE OR REPLACE VIEW document_versions AS
SELECT r.doc_id, r.version, r.url, r.portal, r.content_sha256, r.raw_sha256, r.valid_from, e.valid_to,
       r.index_no, r.index_org, r.index_year, r.index_seq, r.publisher, r.disclosure, r.scope, r.topic,
       r.category, r.doc_no, r.written_date, r.published_at, r.source, r.title, r.region, r.column_path,
       r.body, r.outline, r.clean_method, r.parser_version, r.fetched_at
FROM version_rows r
LEFT JOIN version_ends e ON e.doc_id = r.doc_id AND e.version = r.version
-- a load commits in parts: rows of a load still running (or of one that died) are not there yet
WHERE r.valid_from IN (SELECT snapshot_id FROM snapshots);
