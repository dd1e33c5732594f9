CREATE TEMP TABLE new_signals AS
SELECT * FROM read_json(?, format = 'newline_delimited', columns = {
    doc_id: 'VARCHAR', dimension: 'VARCHAR', label: 'VARCHAR', score: 'DOUBLE',
    model_version: 'VARCHAR', evidence: 'JSON', classified_at: 'TIMESTAMP', origin: 'VARCHAR'
});
