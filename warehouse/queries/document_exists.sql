-- Whether a document ($doc_id) is in the warehouse, and whether it is about AI.
SELECT doc_id, relevant FROM documents WHERE doc_id = $doc_id
