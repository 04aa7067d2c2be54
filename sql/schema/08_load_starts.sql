-- One row per load that began: a load commits in parts, and its snapshot row is written by its last commit.
-- A started load whose snapshot_id never reached `snapshots` died; the next load discards its parts.
-- Append-only, like every table here.
CREATE TABLE IF NOT EXISTS load_starts (
    snapshot_id BIGINT,
    run_id VARCHAR,
    started_at TIMESTAMP
);
