-- Rebuild procedures, their steps and mentions from the temp tables of procedures_derive.
DELETE FROM procedure_mentions;
DELETE FROM procedure_events;
DELETE FROM procedures;

INSERT INTO procedures BY NAME
WITH named AS (
    SELECT r.procedure_id, r.via, d.published_at, d.title,
           i.procedure_title, i.procedure_kind, i.celex, i.zaken,
           CASE WHEN r.via = 'record'
                THEN coalesce(i.extra ->> 'stage', i.extra ->> 'Status') END AS stated_stage
    FROM procedure_refs r
    JOIN documents d USING (doc_id)
    LEFT JOIN doc_identifiers i USING (doc_id)
)
SELECT procedure_id,
       procedure_jurisdiction(procedure_id) AS jurisdiction,
       coalesce(arg_min(procedure_kind, published_at) FILTER (WHERE procedure_kind IS NOT NULL),
                nullif(regexp_extract(procedure_id, '^\d{4}/\d{4}\(([A-Z]{3})\)$', 1), '')) AS kind,
       coalesce(arg_max(title, published_at) FILTER (WHERE via = 'record'),
                arg_min(procedure_title, published_at) FILTER (WHERE procedure_title IS NOT NULL),
                arg_min(title, published_at) FILTER (WHERE via IN ('step', 'identifier'))) AS title,
       coalesce(list_sort(list_distinct(flatten(list(celex) FILTER (WHERE via IN ('record', 'step', 'identifier'))))), []) AS celex,
       coalesce(list_sort(list_distinct(flatten(list(zaken) FILTER (WHERE via IN ('record', 'step', 'identifier'))))), []) AS tk_zaak,
       min(published_at) AS first_seen_at,
       now()::TIMESTAMP AS updated_at,
       arg_max(stated_stage, published_at) FILTER (WHERE stated_stage IS NOT NULL) AS stage
FROM named
GROUP BY procedure_id;

INSERT INTO procedure_events BY NAME
SELECT procedure_id, event_id, event_at, stage, event, doc_id, source FROM procedure_steps;

INSERT INTO procedure_mentions
SELECT procedure_id, doc_id, via FROM procedure_refs;
