-- Macros for the questions analysts ask most; docs/analyst.md shows them at work.

-- ISO week of a timestamp, e.g. 2026-W47; and the Monday a week label starts on.
CREATE OR REPLACE MACRO iso_week(ts) AS strftime(ts, '%G-W%V');
CREATE OR REPLACE MACRO week_monday(week) AS strptime(week || '-1', '%G-W%V-%u')::DATE;

-- Every signal of a sector's documents published since a date (one row per document and label).
CREATE OR REPLACE MACRO signals_for_sector(sector_id, since) AS TABLE
    SELECT *
    FROM v_signals
    WHERE sector = sector_id AND published_at >= since::TIMESTAMP
      AND week >= iso_week(since::TIMESTAMP);  -- lets the scan skip older weeks

-- The evidence phrases that earned a public value most often since a date, counted in stories.
CREATE OR REPLACE MACRO top_evidence_terms(value_id, since, n := 20) AS TABLE
    WITH evidence AS (
        SELECT coalesce(d.cluster_id, d.doc_id) AS story_id, d.doc_id,
               lower(trim(e.text)) AS term
        FROM signals s
        JOIN documents d ON d.doc_id = s.doc_id AND d.week = s.week,
             unnest(from_json(s.evidence, '[{"text": "VARCHAR"}]')) AS u(e)
        WHERE s.dimension = 'values' AND split_part(s.label, '.', 1) = value_id
          AND d.relevant AND d.published_at >= since::TIMESTAMP
          AND s.week >= iso_week(since::TIMESTAMP)
    )
    SELECT term, count(DISTINCT story_id) AS stories, count(DISTINCT doc_id) AS documents
    FROM evidence
    WHERE term <> ''
    GROUP BY term
    ORDER BY stories DESC, term
    LIMIT n;

-- Documents tied to a procedure: its record, its steps, and news naming it; newest first.
CREATE OR REPLACE MACRO procedure_items(ref) AS TABLE
    SELECT m.procedure_id,
           CASE m.via WHEN 'record' THEN 'record' WHEN 'step' THEN 'step' ELSE 'news' END AS role,
           m.via, d.doc_id, d.published_at, d.source, d.kind, d.title, d.url, d.relevant
    FROM procedure_mentions m
    JOIN documents d USING (doc_id)
    WHERE m.procedure_id = procedure_ref(ref)
    ORDER BY d.published_at DESC NULLS LAST, d.doc_id;

-- A sector and value week by week, with the detection verdict.
CREATE OR REPLACE MACRO sector_trend(sector_id, value_id) AS TABLE
    SELECT week, stories, sources, share, baseline, p_value, score, status
    FROM v_emerging
    WHERE sector = sector_id AND value = value_id
    ORDER BY week;

-- The documents behind a week's alerts.
CREATE OR REPLACE MACRO alert_documents(week_label) AS TABLE
    SELECT a.sector, a.value, a.status, a.score, d.doc_id, d.published_at, d.source, d.title, d.url
    FROM alerts a, unnest(a.doc_ids) AS u(doc_id)
    JOIN documents d ON d.doc_id = u.doc_id
    WHERE a.week = week_label
    ORDER BY a.score DESC, a.sector, a.value, d.published_at DESC;

-- Where a document's labels came from: document, source, runs, model version and evidence.
CREATE OR REPLACE MACRO signal_provenance(document_id) AS TABLE
    SELECT s.doc_id, s.dimension, s.label, s.score, s.model_version, s.evidence,
           s.classified_at, s.run_id AS signal_run_id,
           d.run_id AS document_run_id, d.canonical_url, d.title, d.published_at, d.fetched_at,
           d.content_hash, d.source, src.kind AS source_kind, src.url AS source_url
    FROM signals s
    JOIN documents d USING (doc_id)
    LEFT JOIN sources src ON src.name = d.source
    WHERE s.doc_id = document_id
    ORDER BY s.dimension, s.label;

COMMENT ON MACRO iso_week IS 'ISO week label of a timestamp, e.g. 2026-W47';
COMMENT ON MACRO week_monday IS 'Monday of an ISO week label';
COMMENT ON MACRO TABLE signals_for_sector IS 'signals_for_sector(sector, since): v_signals rows of a sector published since a date';
COMMENT ON MACRO TABLE top_evidence_terms IS 'top_evidence_terms(value, since, n := 20): evidence phrases of a public value by stories';
COMMENT ON MACRO TABLE procedure_items IS 'procedure_items(reference): record, steps and news of a procedure';
COMMENT ON MACRO TABLE sector_trend IS 'sector_trend(sector, value): a sector and value week by week with the detection verdict';
COMMENT ON MACRO TABLE alert_documents IS 'alert_documents(week): the documents behind the week''s alerts';
COMMENT ON MACRO TABLE signal_provenance IS 'signal_provenance(doc_id): each label of a document with source, runs, model version and evidence';
