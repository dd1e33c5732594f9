-- Record an analyst's dismissal of a signal (the same signal twice keeps the latest reason).
INSERT INTO digest_dismissals (doc_id, dimension, label, week, reason, analyst, dismissed_at)
VALUES ($doc_id, $dimension, $label, $week, $reason, $analyst, $dismissed_at)
ON CONFLICT (doc_id, dimension, label) DO UPDATE SET
    week = excluded.week,
    reason = excluded.reason,
    analyst = excluded.analyst,
    dismissed_at = excluded.dismissed_at;
