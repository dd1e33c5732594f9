-- Runs still marked running: either running now or killed before they could finish.
SELECT run_id, flow, host, pid, started_at
FROM runs
WHERE status = 'running'
ORDER BY started_at;
