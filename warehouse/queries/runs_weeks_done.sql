-- Weeks for which a step (digest, sent) was done, in any run.
SELECT DISTINCT week
FROM run_weeks
WHERE step = $step
ORDER BY week;
