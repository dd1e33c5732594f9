-- Rebuild procedures, their events and mentions from the temp tables of procedures_derive.
DELETE FROM procedure_mentions;
DELETE FROM procedure_events;
DELETE FROM procedures;

INSERT INTO procedures
WITH named AS (
    SELECT r.procedure_id, r.via, d.published_at, d.title,
           i.procedure_title, i.procedure_kind, i.celex, i.zaken
    FROM procedure_refs r
    JOIN documents d USING (doc_id)
    LEFT JOIN doc_identifiers i USING (doc_id)
)
SELECT procedure_id,
       procedure_jurisdiction(procedure_id),
       coalesce(arg_min(procedure_kind, published_at) FILTER (WHERE procedure_kind IS NOT NULL),
                nullif(regexp_extract(procedure_id, '^\d{4}/\d{4}\(([A-Z]{3})\)$', 1), '')),
       coalesce(arg_min(procedure_title, published_at) FILTER (WHERE procedure_title IS NOT NULL),
                arg_min(title, published_at) FILTER (WHERE via = 'identifier')),
       coalesce(list_sort(list_distinct(flatten(list(celex) FILTER (WHERE via = 'identifier')))), []),
       coalesce(list_sort(list_distinct(flatten(list(zaken) FILTER (WHERE via = 'identifier')))), []),
       min(published_at),
       now()::TIMESTAMP
FROM named
GROUP BY procedure_id;

INSERT INTO procedure_events
SELECT r.procedure_id, coalesce(i.event_date, d.published_at), i.stage,
       coalesce(i.event, d.title), r.doc_id, d.source
FROM procedure_refs r
JOIN doc_identifiers i USING (doc_id)
JOIN documents d USING (doc_id)
WHERE r.via = 'identifier' AND (i.event IS NOT NULL OR i.stage IS NOT NULL);

INSERT INTO procedure_mentions
SELECT procedure_id, doc_id, via FROM procedure_refs;
