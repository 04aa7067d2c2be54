-- What each snapshot changed: new pages, changed pages (a new version), pages gone from their portal.
CREATE OR REPLACE VIEW document_changes AS
SELECT v.valid_from AS snapshot_id, v.doc_id, v.url,
       CASE WHEN EXISTS (SELECT 1 FROM document_versions p WHERE p.doc_id = v.doc_id AND p.valid_to = v.valid_from)
            THEN 'changed' ELSE 'new' END AS change
FROM document_versions v
UNION ALL
SELECT g.valid_to AS snapshot_id, g.doc_id, g.url, 'gone' AS change
FROM document_versions g
WHERE g.valid_to IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM document_versions n WHERE n.doc_id = g.doc_id AND n.valid_from = g.valid_to);
