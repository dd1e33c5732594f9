-- Documents never classified, changed since, or labelled by another model version.
SELECT doc_id, title, text, lang
FROM documents
WHERE model_version IS NULL OR model_version <> $model_version
ORDER BY doc_id;
