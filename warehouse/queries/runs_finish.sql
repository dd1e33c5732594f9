-- Record how a run ended.
UPDATE runs
SET finished_at = $finished_at, status = $status, message = $message, summary = $summary
WHERE run_id = $run_id;
