-- Record a (re)built draft; building again replaces an earlier draft, never an approved digest
-- unless the caller checked that nothing was sent.
INSERT INTO digest_issues (week, status, built_at, approved_at, approved_by, content_hash)
VALUES ($week, 'draft', $built_at, NULL, NULL, $content_hash)
ON CONFLICT (week) DO UPDATE SET
    status = 'draft',
    built_at = excluded.built_at,
    approved_at = NULL,
    approved_by = NULL,
    content_hash = excluded.content_hash;
