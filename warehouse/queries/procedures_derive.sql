-- Procedures named by documents: temp tables `procedure_refs` (document, procedure, how) and
-- `doc_identifiers` (the identifier fields of documents that have any).
CREATE OR REPLACE TEMP TABLE doc_identifiers AS
SELECT doc_id, source, title, published_at,
       list_transform(id_list(identifiers, 'procedure'), lambda x: procedure_ref(x)) AS procedures,
       id_list(identifiers, 'celex')   AS celex,
       id_list(identifiers, 'tk_zaak') AS zaken,
       nullif(trim(identifiers ->> 'event'), '')           AS event,
       nullif(trim(identifiers ->> 'stage'), '')           AS stage,
       try_cast(identifiers ->> 'event_date' AS TIMESTAMP) AS event_date,
       nullif(trim(identifiers ->> 'procedure_title'), '') AS procedure_title,
       nullif(trim(identifiers ->> 'procedure_kind'), '')  AS procedure_kind
FROM documents
WHERE identifiers IS NOT NULL AND json_type(identifiers) = 'OBJECT'
  AND (json_exists(identifiers, '$.procedure') OR json_exists(identifiers, '$.celex')
       OR json_exists(identifiers, '$.tk_zaak'));

CREATE OR REPLACE TEMP TABLE procedure_refs AS
WITH own AS (
    -- A document's own procedures: its procedure ids, else its zaak numbers.
    SELECT doc_id, unnest(CASE WHEN len(procedures) > 0 THEN procedures ELSE zaken END) AS procedure_id
    FROM doc_identifiers
),
celex_map AS (
    SELECT DISTINCT c.celex, p.procedure_id
    FROM doc_identifiers, unnest(celex) AS c(celex), unnest(procedures) AS p(procedure_id)
),
zaak_map AS (
    SELECT z.zaak, p.procedure_id
    FROM doc_identifiers, unnest(zaken) AS z(zaak), unnest(procedures) AS p(procedure_id)
    UNION
    SELECT procedure_id, procedure_id FROM own
),
by_celex AS (
    SELECT i.doc_id, m.procedure_id
    FROM (SELECT doc_id, unnest(celex) AS celex FROM doc_identifiers WHERE len(procedures) = 0) i
    JOIN celex_map m USING (celex)
),
texts AS (
    SELECT doc_id, concat_ws(' ', title, text) AS body
    FROM documents
    WHERE regexp_matches(concat_ws(' ', title, text), '\d{4}\s?/\s?\d{4}\s?\(|\d{4}Z\d{5}|\b[0-9]\d{4}[A-Z]{1,2}\d{4}\b')
),
text_eu AS (
    SELECT DISTINCT doc_id, procedure_ref(unnest(regexp_extract_all(
        body, '\b\d{4}\s?/\s?\d{4}\s?\(\s?(?:COD|CNS|APP|NLE|INI|BUD|DEC|RSP|INL|SYN|AVC|ACI|DCE|REG|IMM|RPS|RSO|INS|DEA|ITS|COS)\s?\)'))) AS procedure_id
    FROM texts
),
text_zaak AS (
    SELECT DISTINCT t.doc_id, m.procedure_id
    FROM (SELECT doc_id, unnest(regexp_extract_all(body, '\b\d{4}Z\d{5}\b')) AS zaak FROM texts) t
    JOIN zaak_map m USING (zaak)
),
text_zaak_new AS (
    -- A zaak number no document tied to a procedure is a procedure of its own.
    SELECT DISTINCT t.doc_id, t.zaak AS procedure_id
    FROM (SELECT doc_id, unnest(regexp_extract_all(body, '\b\d{4}Z\d{5}\b')) AS zaak FROM texts) t
    ANTI JOIN zaak_map m USING (zaak)
),
text_celex AS (
    SELECT DISTINCT t.doc_id, m.procedure_id
    FROM (SELECT doc_id, unnest(regexp_extract_all(body, '\b[0-9]\d{4}[A-Z]{1,2}\d{4}\b')) AS celex FROM texts) t
    JOIN celex_map m USING (celex)
),
refs AS (
    SELECT doc_id, procedure_id, 'identifier' AS via, 1 AS rank FROM own
    UNION ALL SELECT doc_id, procedure_id, 'celex', 2 FROM by_celex
    UNION ALL SELECT doc_id, procedure_id, 'celex', 3 FROM text_celex
    UNION ALL SELECT doc_id, procedure_id, 'tk_zaak', 3 FROM text_zaak
    UNION ALL SELECT doc_id, procedure_id, 'text', 4 FROM text_eu
    UNION ALL SELECT doc_id, procedure_id, 'text', 4 FROM text_zaak_new
)
SELECT doc_id, procedure_id, arg_min(via, rank) AS via
FROM refs
WHERE procedure_id IS NOT NULL AND procedure_id <> ''
GROUP BY doc_id, procedure_id;
