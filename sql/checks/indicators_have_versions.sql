-- Every indicator belongs to a stored document version.
SELECT i.doc_id, i.version FROM indicator_rows i
LEFT JOIN version_rows v ON v.doc_id = i.doc_id AND v.version = i.version
WHERE v.doc_id IS NULL;
