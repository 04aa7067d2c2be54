-- The current version of each page still on its portal.
CREATE OR REPLACE VIEW documents AS
SELECT * FROM document_versions WHERE valid_to IS NULL;
