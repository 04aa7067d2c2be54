-- Indicators of current documents, with the document's key metadata in front; period_norm and period_raw (schema 5)
-- are the period in the panel's grammar and the words it was read from.
CREATE OR REPLACE VIEW indicators AS
SELECT d.doc_id, d.url, d.title, d.publisher, d.region, d.published_at,
       i.name, i.value, i.multiplier, i.unit, i.value_base, i.raw, i.yoy_pct, i.target_pct, i.kind, i.bound,
       i.value_high, i.masked, i.parent, i.period, i.quote, i.canonical, i.valid, i.issues, i.version, i.parser_version,
       i.period_norm, i.period_raw
FROM indicator_rows i
JOIN document_versions d ON d.doc_id = i.doc_id AND d.version = i.version
WHERE d.valid_to IS NULL
  AND i.parser_version = (SELECT max(j.parser_version) FROM indicator_rows j WHERE j.doc_id = i.doc_id AND j.version = i.version);
