-- One row per crawl or reprocess run: every run is one snapshot, visible whole (committed) or not at all.
CREATE TABLE IF NOT EXISTS snapshots (
    snapshot_id BIGINT,
    kind VARCHAR,              -- crawl | reprocess
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    status VARCHAR,            -- committed (a load in progress has no row yet: see load_starts)
    portals VARCHAR,
    pages_listed INTEGER,
    pages_fetched INTEGER,
    pages_unchanged INTEGER,
    pages_failed INTEGER,
    docs_new INTEGER,
    docs_changed INTEGER,
    docs_unchanged INTEGER,
    docs_gone INTEGER,
    indicators INTEGER,
    parser_version VARCHAR,
    notes VARCHAR,
    run_id VARCHAR             -- the crawl run that produced it: a second load of the same run adds nothing
);
