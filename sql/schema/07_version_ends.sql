-- When a version stopped being current: the snapshot that changed the page or found it gone.
-- Append-only, so a snapshot never rewrites the (large) version rows.
CREATE TABLE IF NOT EXISTS version_ends (
    doc_id VARCHAR,
    version INTEGER,
    valid_to BIGINT
);
