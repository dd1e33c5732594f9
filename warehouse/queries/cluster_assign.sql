-- Apply story clusters from the temporary table cluster_assignment(doc_id, cluster_id).
UPDATE documents
SET cluster_id = a.cluster_id
FROM cluster_assignment AS a
WHERE documents.doc_id = a.doc_id
  AND documents.cluster_id IS DISTINCT FROM a.cluster_id;
