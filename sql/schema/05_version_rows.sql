-- One row per version of one page, written once and never updated (the end of a version is in version_ends;
-- the document_versions view joins both). valid_from is the snapshot id that created the version.
-- content_sha256 hashes the cleaned document (metadata + body), so chrome such as view counters never makes a version.
CREATE TABLE IF NOT EXISTS version_rows (
    doc_id VARCHAR,
    version INTEGER,
    url VARCHAR,
    portal VARCHAR,
    content_sha256 VARCHAR,
    raw_sha256 VARCHAR,
    valid_from BIGINT,
    index_no VARCHAR,
    index_org VARCHAR,
    index_year INTEGER,
    index_seq VARCHAR,
    publisher VARCHAR,
    disclosure VARCHAR,
    scope VARCHAR,
    topic VARCHAR,
    category VARCHAR,
    doc_no VARCHAR,
    written_date DATE,
    published_at VARCHAR,
    source VARCHAR,
    title VARCHAR,
    region VARCHAR,
    column_path VARCHAR[],
    body VARCHAR,
    outline VARCHAR,           -- JSON array of {level, title, role}
    clean_method VARCHAR,
    parser_version VARCHAR,
    fetched_at TIMESTAMP
);
