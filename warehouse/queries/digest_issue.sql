-- The digest of one week: draft or approved, with the hash of its frozen data.
SELECT week, status, built_at, approved_at, approved_by, content_hash
FROM digest_issues
WHERE week = $week;
