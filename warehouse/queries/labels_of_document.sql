-- One document's corrections, oldest first.
SELECT doc_id, dimension, label, action, analyst, note, labelled_at
FROM labels
WHERE doc_id = $doc_id
ORDER BY labelled_at, dimension, label;
