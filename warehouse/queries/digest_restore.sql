-- Undo a dismissal.
DELETE FROM digest_dismissals
WHERE doc_id = $doc_id AND dimension = $dimension AND label = $label
RETURNING doc_id;
