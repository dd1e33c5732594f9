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

COMMENT ON VIEW v_signals IS 'One row per relevant dated document, label and sector (general when none), with week, story and source';
COMMENT ON COLUMN v_signals.doc_id IS 'The document (documents.doc_id)';
COMMENT ON COLUMN v_signals.week IS 'ISO week of publication, e.g. 2026-W47';
COMMENT ON COLUMN v_signals.sector IS 'A sector of the document, or general when it has none; a document in two sectors has rows under each';
COMMENT ON COLUMN v_signals.source IS 'Registry name of the source';
COMMENT ON COLUMN v_signals.story_id IS 'Story the document belongs to: its cluster, or itself when unclustered';
COMMENT ON COLUMN v_signals.published_at IS 'Publication time (UTC)';
COMMENT ON COLUMN v_signals.lang IS 'Language of the document';
COMMENT ON COLUMN v_signals.title IS 'Title as published (untrusted text)';
COMMENT ON COLUMN v_signals.url IS 'URL as the source gave it';
COMMENT ON COLUMN v_signals.dimension IS 'themes, values, sectors, roles, policy_options, legal_frameworks or kind';
COMMENT ON COLUMN v_signals.label IS 'Taxonomy id within the dimension';
COMMENT ON COLUMN v_signals.score IS 'Classifier confidence between 0 and 1';
COMMENT ON COLUMN v_signals.model_version IS 'Classifier version that gave the label';
COMMENT ON COLUMN v_signals.evidence IS 'Spans that earned the label: [{text, start, end}] into title + newline + text';
COMMENT ON COLUMN v_signals.classified_at IS 'When the label was written (UTC)';
COMMENT ON COLUMN v_signals.run_id IS 'Run that wrote the label (runs.run_id)';
COMMENT ON COLUMN v_signals.doc_run_id IS 'Run that stored the document''s current version (runs.run_id)';
