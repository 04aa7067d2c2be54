-- Per portal: the state of its last run, pages that failed in it, and URLs whose latest fetch still fails.
SELECT h.portal, h.state, h.failed AS failed_last_run,
       (SELECT count(*) FROM fetch_failures f WHERE f.portal = h.portal) AS failing_urls,
       h.consecutive_failed_runs, h.note
FROM portal_health h
ORDER BY h.portal;
