-- Every stored document, for classifying all of them again (after a model change).
SELECT doc_id, title, text, lang
FROM documents
ORDER BY doc_id;
