-- A run that failed before it could write the warehouse (it was held by another process),
-- noted in a file at the time (gaimon/runs.py) and recorded here by the next run.
INSERT INTO runs (run_id, flow, flow_run_id, host, pid, started_at, finished_at, status, message)
VALUES ($run_id, $flow, $flow_run_id, $host, $pid, $started_at, $started_at, 'failed', $message)
ON CONFLICT DO NOTHING;
