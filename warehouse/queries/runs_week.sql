-- Record weekly work of a run (a digest built, a digest sent).
INSERT OR REPLACE INTO run_weeks (run_id, week, step, lang, done_at, detail)
VALUES ($run_id, $week, $step, $lang, $done_at, $detail);
