-- Record a run as it starts.
INSERT INTO runs (run_id, flow, flow_run_id, host, pid, started_at, status, task_runner, params)
VALUES ($run_id, $flow, $flow_run_id, $host, $pid, $started_at, 'running', $task_runner, $params);
