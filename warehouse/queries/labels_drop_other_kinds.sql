-- A document has one kind: adding a kind replaces an earlier added kind.
DELETE FROM labels
WHERE doc_id = $doc_id AND dimension = 'kind' AND action = 'add' AND label <> $label;
