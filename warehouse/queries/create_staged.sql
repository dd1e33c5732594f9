-- A batch of validated staged rows, read from a JSONL file with fixed column types.
CREATE TEMP TABLE staged AS
SELECT *
FROM read_json(?, format = 'newline_delimited', columns = {
    doc_id: 'VARCHAR', canonical_url: 'VARCHAR', source: 'VARCHAR', url: 'VARCHAR',
    title: 'VARCHAR', text: 'VARCHAR', published_at: 'TIMESTAMP', lang: 'VARCHAR',
    author: 'VARCHAR', identifiers: 'JSON', content_hash: 'VARCHAR', fetched_at: 'TIMESTAMP',
    kind: 'VARCHAR', extra: 'JSON'
});
