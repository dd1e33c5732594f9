-- Corrections of the given documents, oldest first.
SELECT doc_id, dimension, label, action
FROM labels
WHERE doc_id IN (SELECT unnest($ids))
ORDER BY doc_id, labelled_at;
