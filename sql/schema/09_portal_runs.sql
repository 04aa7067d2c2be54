-- One row per portal per crawl: what its lists said (state, how many listed) and what the load made of it.
-- state is ok, incomplete (not every list could be read: nothing of the portal was marked gone) or
-- failed: <why> (a challenge, a login wall, nothing listed). Written by the load's last commit, with the snapshot.
CREATE TABLE IF NOT EXISTS portal_runs (
    snapshot_id BIGINT,
    portal VARCHAR,
    state VARCHAR,
    listed INTEGER,
    fetched INTEGER,
    unchanged INTEGER,
    failed INTEGER,
    new INTEGER,
    changed INTEGER,
    gone INTEGER,
    indicators INTEGER,
    note VARCHAR
);
