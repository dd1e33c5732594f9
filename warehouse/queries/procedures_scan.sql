-- Read the words of documents that are new or changed since the last scan for references.
CREATE OR REPLACE TEMP TABLE unscanned AS
SELECT d.doc_id, d.updated_at
FROM documents d
ANTI JOIN document_references r ON r.doc_id = d.doc_id AND r.updated_at = d.updated_at;

DELETE FROM document_references WHERE doc_id IN (SELECT doc_id FROM unscanned);

INSERT INTO document_references
WITH bodies AS (
    SELECT d.doc_id, d.updated_at, concat_ws(' ', d.title, d.text) AS body
    FROM documents d
    SEMI JOIN unscanned u ON u.doc_id = d.doc_id
)
SELECT doc_id, updated_at,
       list_distinct(list_transform(regexp_extract_all(body,
           '\b\d{4}\s?/\s?\d{4}\s?\(\s?(?:COD|CNS|APP|NLE|INI|BUD|DEC|RSP|INL|SYN|AVC|ACI|DCE|REG|IMM|RPS|RSO|INS|DEA|ITS|COS|BUI|CNT)\s?\)'),
           lambda x: procedure_ref(x))),
       list_distinct(regexp_extract_all(body, '\b\d{4}Z\d{5}\b')),
       list_distinct(regexp_extract_all(body, '\b[0-9]\d{4}[A-Z]{1,2}\d{4}\b'))
FROM bodies;

DROP TABLE unscanned;
