-- Procedures with their latest stage and the news that mentions them. Procedures, steps and
-- mentions come from gaimon.procedures.update_procedures (run by gaimon detect).
CREATE OR REPLACE VIEW v_legislation AS
WITH latest AS (
    SELECT procedure_id,
           arg_max(stage, event_at) FILTER (WHERE stage IS NOT NULL) AS stage,
           arg_max(event, event_at)                                  AS last_event,
           max(event_at)                                             AS last_event_at,
           count(*)                                                  AS events
    FROM procedure_events
    GROUP BY procedure_id
),
news_ AS (
    -- News: documents naming the procedure other than its own record and its steps.
    SELECT m.procedure_id, m.via, d.doc_id, d.title, d.url, d.source, d.published_at, d.relevant
    FROM procedure_mentions m
    JOIN documents d USING (doc_id)
    WHERE m.via NOT IN ('record', 'step')
),
news AS (
    SELECT procedure_id,
           count(*)          AS news_count,
           max(published_at) AS latest_news_at,
           list({'doc_id': doc_id, 'title': title, 'url': url, 'source': source,
                 'published_at': published_at, 'relevant': relevant, 'via': via}
                ORDER BY published_at DESC NULLS LAST, doc_id) AS news
    FROM news_
    GROUP BY procedure_id
)
SELECT p.procedure_id, p.jurisdiction, p.kind, p.title,
       coalesce(p.stage, l.stage) AS stage, l.last_event, l.last_event_at,
       coalesce(l.events, 0) AS events,
       coalesce(n.news_count, 0) AS news_count, n.latest_news_at, coalesce(n.news, []) AS news,
       p.celex, p.tk_zaak, p.first_seen_at
FROM procedures p
LEFT JOIN latest l USING (procedure_id)
LEFT JOIN news n USING (procedure_id);

COMMENT ON VIEW v_legislation IS 'Legislative procedures with their latest stage, their steps and the news naming them';
COMMENT ON COLUMN v_legislation.procedure_id IS 'Reference: 2021/0106(COD) for the EU, a zaak number or dossier for the Tweede Kamer';
COMMENT ON COLUMN v_legislation.jurisdiction IS 'eu, nl or other';
COMMENT ON COLUMN v_legislation.kind IS 'Procedure type (COD, CNS...), if known';
COMMENT ON COLUMN v_legislation.title IS 'Title of the procedure, if a document gives one';
COMMENT ON COLUMN v_legislation.stage IS 'Current stage as the procedure''s record states it, else the stage of its latest step';
COMMENT ON COLUMN v_legislation.last_event IS 'Latest step';
COMMENT ON COLUMN v_legislation.last_event_at IS 'When the latest step happened (UTC)';
COMMENT ON COLUMN v_legislation.events IS 'Steps known';
COMMENT ON COLUMN v_legislation.news_count IS 'Documents naming the procedure other than its record and steps';
COMMENT ON COLUMN v_legislation.latest_news_at IS 'Publication time of the latest of them';
COMMENT ON COLUMN v_legislation.news IS 'Those documents, newest first: doc_id, title, url, source, published_at, relevant, via';
COMMENT ON COLUMN v_legislation.celex IS 'CELEX numbers tied to the procedure';
COMMENT ON COLUMN v_legislation.tk_zaak IS 'Tweede Kamer zaak numbers tied to the procedure';
COMMENT ON COLUMN v_legislation.first_seen_at IS 'Publication time of the earliest document naming it';
