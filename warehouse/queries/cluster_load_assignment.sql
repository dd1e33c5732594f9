-- New story clusters, read from a JSONL file of {doc_id, cluster_id}.
CREATE OR REPLACE TEMP TABLE cluster_assignment AS
SELECT *
FROM read_json(?, format = 'newline_delimited', columns = {doc_id: 'VARCHAR', cluster_id: 'VARCHAR'});
