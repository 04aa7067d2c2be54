-- Each document has at most one current version.
SELECT doc_id, count(*) AS current_versions FROM document_versions WHERE valid_to IS NULL GROUP BY doc_id HAVING count(*) > 1;
