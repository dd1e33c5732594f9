CREATE TEMP TABLE classified AS
SELECT * FROM read_json(?, format = 'newline_delimited', columns = {
    doc_id: 'VARCHAR', relevant: 'BOOLEAN', lang: 'VARCHAR', model_version: 'VARCHAR',
    read_chars: 'INTEGER', closest_call: 'VARCHAR', margin: 'DOUBLE'
});
