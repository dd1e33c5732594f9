-- Signals analysts dismissed: the digest leaves them out.
SELECT doc_id, dimension, label, week, reason, analyst, dismissed_at
FROM digest_dismissals
ORDER BY dismissed_at;
