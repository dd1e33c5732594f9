-- How a staged batch compares with what is stored: new items and changed items.
SELECT
    count(*) FILTER (WHERE d.doc_id IS NULL)                                 AS new,
    count(*) FILTER (WHERE d.doc_id IS NOT NULL AND d.content_hash <> s.content_hash) AS changed,
    count(*) FILTER (WHERE d.content_hash = s.content_hash)                  AS unchanged
FROM staged s
LEFT JOIN documents d USING (doc_id);
