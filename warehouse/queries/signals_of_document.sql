-- A document's stored labels and whether it is relevant.
SELECT d.doc_id, d.relevant, d.lang, d.model_version, d.read_chars, d.closest_call, d.margin,
       s.dimension, s.label, s.score,
       s.model_version AS signal_version, s.evidence, s.origin
FROM documents d
LEFT JOIN signals s USING (doc_id)
WHERE d.doc_id = $doc_id
ORDER BY s.dimension, s.label;
