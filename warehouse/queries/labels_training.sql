-- Documents with corrections, with their labels as now stored (corrections applied): the
-- training data analysts add.
SELECT d.doc_id, d.title, d.text, d.lang, d.relevant,
       list(s.dimension || ':' || s.label) FILTER (WHERE s.label IS NOT NULL) AS labels
FROM documents d
LEFT JOIN signals s USING (doc_id)
WHERE d.doc_id IN (SELECT DISTINCT doc_id FROM labels)
GROUP BY ALL
ORDER BY d.doc_id;
