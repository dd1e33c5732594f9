-- The facts detection counts: one row per relevant dated document, sector (general when none)
-- and public value, with its story and ISO week. Finer taxonomy nodes count for their value and
-- sector (a document labelled with a node and its parent appears twice; counts are distinct).
-- Joins go through the stored week too, which lets DuckDB prune both sides.
CREATE OR REPLACE TEMP TABLE value_facts AS
SELECT d.doc_id, coalesce(d.cluster_id, d.doc_id) AS story_id, d.source,
       date_trunc('week', d.published_at)::DATE AS week_start,
       coalesce(s.sector, 'general') AS sector, v.value
FROM documents d
JOIN (SELECT doc_id, week, split_part(label, '.', 1) AS value
      FROM signals WHERE dimension = 'values') v
  ON v.doc_id = d.doc_id AND v.week = d.week
LEFT JOIN (SELECT doc_id, week, split_part(label, '.', 1) AS sector
           FROM signals WHERE dimension = 'sectors') s
  ON s.doc_id = d.doc_id AND s.week = d.week
WHERE d.relevant AND d.published_at IS NOT NULL;
