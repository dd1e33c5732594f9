-- Documents that may belong to a story cluster: those inside the time window (anchored at
-- the newest document, so replayed corpora behave as live ones) and any not yet clustered.
-- $1: window in days.
WITH dated AS (
    SELECT doc_id, title, text, cluster_id,
           coalesce(published_at, first_seen_at) AS seen_at
    FROM documents
),
anchor AS (
    SELECT max(seen_at) AS newest FROM dated
)
SELECT doc_id, title, coalesce(text, '') AS text, cluster_id, seen_at
FROM dated, anchor
WHERE seen_at >= newest - to_days(CAST($1 AS INTEGER)) OR cluster_id IS NULL
ORDER BY seen_at, doc_id;
