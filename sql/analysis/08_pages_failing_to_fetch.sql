-- Pages whose latest fetch failed, worst first: how many runs in a row, the last status and error.
SELECT portal, url, status, error, attempts, failed_runs, last_snapshot
FROM fetch_failures
ORDER BY failed_runs DESC, portal, url;
