-- The documents as they stood after snapshot s.
CREATE OR REPLACE MACRO documents_as_of(s) AS TABLE
SELECT * FROM document_versions WHERE valid_from <= s AND (valid_to IS NULL OR valid_to > s);
