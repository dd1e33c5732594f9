-- Title and text of chosen documents, for evidence sentences.
SELECT doc_id, title, text
FROM documents
WHERE list_contains($ids, doc_id);
