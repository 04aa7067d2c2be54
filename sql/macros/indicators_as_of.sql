-- The indicators of the documents as they stood after snapshot s (latest parser for each version).
CREATE OR REPLACE MACRO indicators_as_of(s) AS TABLE
SELECT d.doc_id, d.url, d.title, d.publisher, d.region, d.published_at,
       i.name, i.value, i.multiplier, i.unit, i.value_base, i.raw, i.yoy_pct, i.target_pct, i.kind, i.bound,
       i.value_high, i.masked, i.parent, i.period, i.quote, i.canonical, i.valid, i.issues, i.version, i.parser_version,
       i.period_norm, i.period_raw
FROM indicator_rows i
JOIN document_versions d ON d.doc_id = i.doc_id AND d.version = i.version
WHERE d.valid_from <= s AND (d.valid_to IS NULL OR d.valid_to > s)
  AND i.parser_version = (SELECT max(j.parser_version) FROM indicator_rows j WHERE j.doc_id = i.doc_id AND j.version = i.version);
