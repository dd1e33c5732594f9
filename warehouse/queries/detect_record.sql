-- One row per refresh: when, by which run, with which parameters, and what it found.
INSERT INTO detections (detected_at, run_id, params, weeks, alerts, term_alerts, seconds)
VALUES (now()::TIMESTAMP, $run_id, $params, $weeks, $alerts, $term_alerts, $seconds)
