-- Read the words of documents that are new or changed since the last scan for references.
CREATE OR REPLACE TEMP TABLE unscanned AS
SELECT d.doc_id, d.updated_at
FROM documents d
ANTI JOIN document_references r ON r.doc_id = d.doc_id AND r.updated_at = d.updated_at;

-- Forget what was read from versions that are no longer stored (changed or removed documents).
DELETE FROM document_references
WHERE (doc_id, updated_at) NOT IN (SELECT (doc_id, updated_at) FROM documents);

INSERT INTO document_references
WITH found AS (
    -- One pass over each text for all three kinds of reference; sorted out below.
    SELECT d.doc_id, d.updated_at,
           regexp_extract_all(concat_ws(' ', d.title, d.text),
               '\b\d{4}\s?/\s?\d{4}\s?\(\s?(?:COD|CNS|APP|NLE|INI|BUD|DEC|RSP|INL|SYN|AVC|ACI|DCE|REG|IMM|RPS|RSO|INS|DEA|ITS|COS|BUI|CNT)\s?\)'
               || '|\b\d{4}Z\d{5}\b|\b[0-9]\d{4}[A-Z]{1,2}\d{4}\b') AS refs
    FROM documents d
    SEMI JOIN unscanned u ON u.doc_id = d.doc_id
)
SELECT doc_id, updated_at,
       list_distinct(list_transform(list_filter(refs, lambda r: contains(r, '/')), lambda r: procedure_ref(r))),
       list_distinct(list_filter(refs, lambda r: regexp_matches(r, '^\d{4}Z\d{5}$'))),
       list_distinct(list_filter(refs, lambda r: regexp_matches(r, '^[0-9]\d{4}[A-Z]{1,2}\d{4}$')))
FROM found;

DROP TABLE unscanned;
