-- A week's documents the classifier was least sure of (score nearest the threshold first),
-- default the latest week classified; documents an analyst has corrected already are left out.
WITH chosen AS (
    SELECT coalesce($week, (SELECT max(week) FROM documents WHERE margin IS NOT NULL)) AS week
)
SELECT d.doc_id, d.week, d.relevant, d.closest_call, d.margin, d.source, d.title
FROM documents d, chosen
WHERE d.week = chosen.week
  AND d.margin IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.doc_id = d.doc_id)
ORDER BY abs(d.margin), d.doc_id
LIMIT $limit;
