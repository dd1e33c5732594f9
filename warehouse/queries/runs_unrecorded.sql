-- A run that could not write its start or its end to the warehouse (it was held by another
-- process), noted in a file at the time (gaimon/ops/runs.py) and recorded here by the next run:
-- a run never recorded is added as failed; a run recorded as started gets the end it had.
INSERT INTO runs (run_id, flow, flow_run_id, host, pid, started_at, finished_at, status, message)
VALUES ($run_id, $flow, $flow_run_id, $host, $pid, $started_at, $started_at, $status, $message)
ON CONFLICT (run_id) DO UPDATE
SET finished_at = EXCLUDED.finished_at, status = EXCLUDED.status, message = EXCLUDED.message
WHERE runs.status IN ('running', 'interrupted');
