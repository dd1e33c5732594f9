-- The facts detection counts: one row per relevant document, sector (general when none) and
-- public value, with its story and ISO week. Finer taxonomy nodes count for their value/sector.
CREATE OR REPLACE TEMP TABLE value_facts AS
WITH documents_ AS (
    SELECT doc_id, coalesce(cluster_id, doc_id) AS story_id, source,
           date_trunc('week', published_at)::DATE AS week_start
    FROM documents
    WHERE relevant AND published_at IS NOT NULL
),
sectors_ AS (
    SELECT DISTINCT doc_id, split_part(label, '.', 1) AS sector
    FROM signals
    WHERE dimension = 'sectors'
),
values_ AS (
    SELECT DISTINCT doc_id, split_part(label, '.', 1) AS value
    FROM signals
    WHERE dimension = 'values'
)
SELECT d.doc_id, d.story_id, d.source, d.week_start,
       coalesce(s.sector, 'general') AS sector, v.value
FROM documents_ d
JOIN values_ v USING (doc_id)
LEFT JOIN sectors_ s USING (doc_id);
