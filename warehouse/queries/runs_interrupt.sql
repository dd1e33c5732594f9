-- Mark a run that was killed before it could finish.
UPDATE runs
SET status = 'interrupted',
    message = 'the run stopped before it finished (process ended or machine went down)'
WHERE run_id = $run_id AND status = 'running';
