-- The first relevant document: a digest of an earlier week has nothing to show.
SELECT min(published_at) AS first FROM documents WHERE relevant;
