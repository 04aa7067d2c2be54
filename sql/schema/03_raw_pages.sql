-- Raw page bytes, stored once per content hash (zlib-compressed), so everything after fetch can be replayed.
CREATE TABLE IF NOT EXISTS raw_pages (
    content_sha256 VARCHAR,
    first_url VARCHAR,
    content_type VARCHAR,
    size_bytes BIGINT,
    body_zlib BLOB,
    first_snapshot BIGINT
);
