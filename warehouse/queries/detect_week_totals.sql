-- Relevant AI stories per ISO week, for every week from the first to the last.
DELETE FROM week_totals;
INSERT INTO week_totals
WITH documents_ AS (
    SELECT date_trunc('week', published_at)::DATE AS week_start,
           coalesce(cluster_id, doc_id) AS story_id, source
    FROM documents
    WHERE relevant AND published_at IS NOT NULL
),
counts AS (
    SELECT week_start, count(DISTINCT story_id) AS stories, count(*) AS documents,
           count(DISTINCT source) AS sources
    FROM documents_
    GROUP BY week_start
),
weeks AS (
    SELECT unnest(generate_series(min(week_start), max(week_start), INTERVAL 7 DAY))::DATE AS week_start
    FROM counts
    HAVING count(*) > 0
)
SELECT strftime(w.week_start, '%G-W%V'), w.week_start,
       coalesce(c.stories, 0), coalesce(c.documents, 0), coalesce(c.sources, 0)
FROM weeks w
LEFT JOIN counts c USING (week_start);
