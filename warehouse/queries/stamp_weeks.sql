-- Give rows written without a week (by hand, or by an older writer) their ISO week. Cheap when
-- there are none: row groups without NULL weeks are skipped.
UPDATE documents SET week = strftime(published_at, '%G-W%V')
WHERE week IS NULL AND published_at IS NOT NULL;
UPDATE signals SET week = d.week
FROM documents d
WHERE signals.week IS NULL AND signals.doc_id = d.doc_id AND d.week IS NOT NULL;
