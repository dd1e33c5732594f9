-- Record one source's crawl and load in a run (a retried load replaces its row).
INSERT OR REPLACE INTO source_runs
    (run_id, source, started_at, finished_at, since, status, staged, errors, new, changed, unchanged, message)
VALUES ($run_id, $source, $started_at, $finished_at, $since, $status, $staged, $errors, $new, $changed,
        $unchanged, $message);
