-- Freeze a draft, only if it is still the draft the analyst saw (same content hash).
UPDATE digest_issues
SET status = 'approved', approved_at = $approved_at, approved_by = $approved_by
WHERE week = $week AND status = 'draft' AND content_hash = $content_hash
RETURNING week;
