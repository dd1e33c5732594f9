-- How many of the given documents ($ids) are about AI.
SELECT count(*) AS n FROM documents WHERE relevant AND doc_id IN (SELECT unnest($ids))
