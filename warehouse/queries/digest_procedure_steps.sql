-- Legislative and procedural steps reported in the week (procedure_events, derived from
-- documents by gaimon.procedures), per sector of the reporting document (general without one).
WITH sectors_ AS (
    SELECT doc_id, label AS sector FROM signals WHERE dimension = 'sectors'
)
SELECT coalesce(s.sector, 'general') AS sector, e.doc_id, coalesce(d.cluster_id, d.doc_id) AS story_id,
       e.procedure_id, e.stage, e.event, e.event_at, p.jurisdiction, p.title AS procedure_title,
       d.title, d.url, d.source, d.published_at, d.author
FROM procedure_events e
JOIN procedures p USING (procedure_id)
JOIN documents d USING (doc_id)
LEFT JOIN sectors_ s USING (doc_id)
WHERE strftime(coalesce(e.event_at, d.published_at), '%G-W%V') = $week
  AND coalesce(d.relevant, true)
ORDER BY sector, coalesce(e.event_at, d.published_at) DESC, e.doc_id;
