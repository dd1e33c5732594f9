-- Procedures named by documents, as temp tables:
--   doc_identifiers  the identifier fields of documents that name a procedure, act or case;
--   procedure_refs   document, procedure and how the document relates to it (via);
--   procedure_steps  steps read from procedure records (extra.events) and step documents.
CREATE OR REPLACE TEMP TABLE doc_identifiers AS
SELECT doc_id, source, title, published_at, kind, extra,
       list_transform(id_list(identifiers, 'procedure'), lambda x: procedure_ref(x)) AS procedures,
       id_list(identifiers, 'celex')       AS celex,
       id_list(identifiers, 'tk_zaak')     AS zaken,
       id_list(identifiers, 'tk_document') AS tk_documents,
       nullif(trim(identifiers ->> 'event'), '')           AS event,
       nullif(trim(identifiers ->> 'stage'), '')           AS stage,
       try_cast(identifiers ->> 'event_date' AS TIMESTAMP) AS event_date,
       nullif(trim(identifiers ->> 'procedure_title'), '') AS procedure_title,
       nullif(trim(identifiers ->> 'procedure_kind'), '')  AS procedure_kind,
       -- The procedure's own register entry lists its steps or states its stage.
       coalesce(json_type(extra) = 'OBJECT'
                AND (json_exists(extra, '$.events') OR json_exists(extra, '$.stage')
                     OR json_exists(extra, '$.Status')), false) AS is_record
FROM documents
WHERE json_type(identifiers) = 'OBJECT'
  AND (json_exists(identifiers, '$.procedure') OR json_exists(identifiers, '$.celex')
       OR json_exists(identifiers, '$.tk_zaak'));

CREATE OR REPLACE TEMP TABLE procedure_refs AS
WITH own AS (
    -- A document's own procedures: its procedure references, else its zaak numbers.
    SELECT doc_id, unnest(CASE WHEN len(procedures) > 0 THEN procedures ELSE zaken END) AS procedure_id,
           CASE WHEN is_record THEN 'record'
                WHEN event IS NOT NULL OR stage IS NOT NULL OR len(tk_documents) > 0 THEN 'step'
                ELSE 'identifier' END AS via
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
text_eu AS (
    SELECT doc_id, unnest(procedures) AS procedure_id FROM document_references WHERE len(procedures) > 0
),
text_zaken AS (
    SELECT doc_id, unnest(zaken) AS zaak FROM document_references WHERE len(zaken) > 0
),
text_zaak AS (
    SELECT t.doc_id, m.procedure_id FROM text_zaken t JOIN zaak_map m USING (zaak)
),
text_zaak_new AS (
    -- A zaak number no document tied to a procedure is a procedure of its own.
    SELECT t.doc_id, t.zaak AS procedure_id FROM text_zaken t ANTI JOIN zaak_map m USING (zaak)
),
text_celex AS (
    SELECT DISTINCT t.doc_id, m.procedure_id
    FROM (SELECT doc_id, unnest(celex) AS celex FROM document_references WHERE len(celex) > 0) t
    JOIN celex_map m USING (celex)
),
refs AS (
    SELECT doc_id, procedure_id, via,
           CASE via WHEN 'record' THEN 1 WHEN 'step' THEN 2 ELSE 3 END AS rank
    FROM own
    UNION ALL SELECT doc_id, procedure_id, 'celex', 4 FROM by_celex
    UNION ALL SELECT doc_id, procedure_id, 'celex', 5 FROM text_celex
    UNION ALL SELECT doc_id, procedure_id, 'tk_zaak', 5 FROM text_zaak
    UNION ALL SELECT doc_id, procedure_id, 'text', 6 FROM text_eu
    UNION ALL SELECT doc_id, procedure_id, 'text', 6 FROM text_zaak_new
)
SELECT doc_id, procedure_id, arg_min(via, rank) AS via
FROM refs
WHERE procedure_id IS NOT NULL AND procedure_id <> ''
GROUP BY doc_id, procedure_id;

CREATE OR REPLACE TEMP TABLE procedure_steps AS
WITH listed AS (
    -- Steps a procedure record lists: [{id, date, type, label}, ...]
    SELECT r.procedure_id, r.doc_id, i.source, i.published_at,
           unnest(from_json(json_extract(i.extra, '$.events'),
                            '[{"id": "VARCHAR", "date": "VARCHAR", "type": "VARCHAR", "label": "VARCHAR", "stage": "VARCHAR"}]')) AS e
    FROM procedure_refs r
    JOIN doc_identifiers i USING (doc_id)
    WHERE r.via = 'record' AND json_type(i.extra, '$.events') = 'ARRAY'
),
steps AS (
    SELECT procedure_id,
           coalesce(nullif(e.id, ''), md5(concat_ws('|', e.date, e.type, e.label))) AS event_id,
           try_cast(e.date AS TIMESTAMP) AS event_at,
           nullif(e.stage, '') AS stage,
           coalesce(nullif(e.label, ''), nullif(e.type, ''), 'step') AS event,
           doc_id, source, published_at
    FROM listed
    UNION ALL
    SELECT r.procedure_id, r.doc_id, coalesce(i.event_date, i.published_at), i.stage,
           coalesce(i.event, CASE WHEN i.kind IS NOT NULL THEN i.kind || ': ' || i.title END, i.title),
           r.doc_id, i.source, i.published_at
    FROM procedure_refs r
    JOIN doc_identifiers i USING (doc_id)
    WHERE r.via = 'step'
)
-- One row per step: the most recently published report of it wins.
SELECT procedure_id, event_id,
       arg_max(event_at, published_at) AS event_at, arg_max(stage, published_at) AS stage,
       arg_max(event, published_at) AS event, arg_max(doc_id, published_at) AS doc_id,
       arg_max(source, published_at) AS source
FROM steps
GROUP BY procedure_id, event_id;
