-- All corrections, for applying them to a document's labels.
SELECT doc_id, dimension, label, action
FROM labels
ORDER BY doc_id, labelled_at;
