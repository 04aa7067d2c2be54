-- Versions of one document never overlap in time.
SELECT a.doc_id, a.version, b.version AS other_version
FROM document_versions a JOIN document_versions b ON a.doc_id = b.doc_id AND a.version < b.version
WHERE a.valid_to IS NULL OR a.valid_to > b.valid_from OR a.valid_to <= a.valid_from;
