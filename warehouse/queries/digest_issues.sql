-- Every week with a digest, newest first, for the archive's index and feed.
SELECT week, status, built_at, approved_at, approved_by, content_hash
FROM digest_issues
ORDER BY week DESC;
