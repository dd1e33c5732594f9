-- One row per relevant document, label and sector (general when the document has no sector), with
-- the week, story and source it belongs to and the provenance of the label. A document in two
-- sectors appears once under each.
CREATE OR REPLACE VIEW v_signals AS
WITH documents_ AS (
    SELECT doc_id, source, title, url, published_at, lang, run_id AS doc_run_id,
           strftime(published_at, '%G-W%V') AS week,
           coalesce(cluster_id, doc_id)     AS story_id
    FROM documents
    WHERE relevant
),
sectors_ AS (
    SELECT DISTINCT doc_id, split_part(label, '.', 1) AS sector
    FROM signals
    WHERE dimension = 'sectors'
),
document_sectors AS (
    SELECT d.doc_id, coalesce(s.sector, 'general') AS sector
    FROM documents_ d
    LEFT JOIN sectors_ s USING (doc_id)
)
SELECT d.doc_id, d.week, ds.sector, d.source, d.story_id, d.published_at, d.lang,
       d.title, d.url, sg.dimension, sg.label, sg.score, sg.model_version, sg.evidence,
       sg.classified_at, sg.run_id, d.doc_run_id
FROM signals sg
JOIN documents_ d USING (doc_id)
JOIN document_sectors ds USING (doc_id);
