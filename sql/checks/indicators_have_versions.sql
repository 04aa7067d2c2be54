-- Every indicator belongs to a stored document version.
SELECT i.doc_id, i.version FROM indicator_rows i
LEFT JOIN document_versions d ON d.doc_id = i.doc_id AND d.version = i.version
WHERE d.doc_id IS NULL;
