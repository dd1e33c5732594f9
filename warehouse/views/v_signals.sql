-- One row per relevant document, label and sector (general when the document has no sector), with
-- the week, story and source it belongs to and the provenance of the label. A document in two
-- sectors appears once under each; undated documents have no week and are left out.
-- Joins go through the stored week as well as doc_id, so that a filter on week (or a range of
-- weeks) reads only those weeks of signals and documents. No CTEs: a CTE read twice is
-- materialised whole and filters no longer reach the tables.
CREATE OR REPLACE VIEW v_signals AS
SELECT sg.doc_id, sg.week, coalesce(sx.sector, 'general') AS sector, d.source,
       coalesce(d.cluster_id, d.doc_id) AS story_id, d.published_at, d.lang, d.title, d.url,
       sg.dimension, sg.label, sg.score, sg.model_version, sg.evidence, sg.classified_at,
       sg.run_id, d.run_id AS doc_run_id
FROM signals sg
JOIN documents d ON d.doc_id = sg.doc_id AND d.week = sg.week
LEFT JOIN (SELECT DISTINCT doc_id, week, split_part(label, '.', 1) AS sector
           FROM signals
           WHERE dimension = 'sectors') sx
       ON sx.doc_id = sg.doc_id AND sx.week = sg.week
WHERE d.relevant;
