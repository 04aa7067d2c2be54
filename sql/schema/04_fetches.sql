-- Every fetch attempt outcome per URL per snapshot: failures are recorded here and retried next run.
CREATE TABLE IF NOT EXISTS fetches (
    snapshot_id BIGINT,
    portal VARCHAR,
    url VARCHAR,
    status INTEGER,
    error VARCHAR,
    attempts INTEGER,
    content_sha256 VARCHAR,
    etag VARCHAR,
    last_modified VARCHAR,
    not_modified BOOLEAN,
    fetched_at TIMESTAMP
);
