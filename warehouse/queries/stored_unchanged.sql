-- Of a batch of (doc_id, content_hash) pairs, the documents stored with that very content.
-- Parameters: $ids, $hashes (lists of equal length).
SELECT b.doc_id
FROM (SELECT unnest($ids) AS doc_id, unnest($hashes) AS content_hash) b
JOIN documents d ON d.doc_id = b.doc_id AND d.content_hash = b.content_hash;
