-- Source health for the digest's operator section, from what the warehouse holds: documents
-- published in the week per source and when each source last delivered anything.
WITH seen AS (
    SELECT source,
           count(*) FILTER (WHERE strftime(published_at, '%G-W%V') = $week)              AS documents,
           count(*) FILTER (WHERE strftime(published_at, '%G-W%V') = $week AND relevant) AS relevant,
           max(fetched_at)                                                               AS last_fetched_at,
           max(published_at)                                                             AS last_published_at
    FROM documents
    GROUP BY source
)
SELECT coalesce(src.name, seen.source) AS source,
       src.kind,
       coalesce(seen.documents, 0)     AS documents,
       coalesce(seen.relevant, 0)      AS relevant,
       seen.last_fetched_at,
       seen.last_published_at
FROM sources src
FULL JOIN seen ON seen.source = src.name
ORDER BY documents, source;
