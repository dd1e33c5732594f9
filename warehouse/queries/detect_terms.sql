-- Terms that suddenly co-occur with a public value: title words and evidence phrases of the
-- stories carrying the value in a tested week, which no story carrying the value had in the
-- baseline weeks before. Uses temp tables value_facts, stopwords and term_weeks.
-- Parameters: $baseline_weeks, $min_stories, $min_sources, $limit, $run_id.
WITH tested_weeks AS (
    SELECT week, week_start FROM term_weeks
),
scope AS (
    -- The tested weeks and the baseline weeks before them.
    SELECT min(week_start) - to_days(($baseline_weeks * 7)::INTEGER) AS since FROM tested_weeks
),
documents_ AS (
    SELECT d.doc_id, coalesce(d.cluster_id, d.doc_id) AS story_id, d.source, d.title,
           date_trunc('week', d.published_at)::DATE AS week_start
    FROM documents d, scope
    WHERE d.relevant AND d.published_at >= scope.since
),
title_terms AS (
    SELECT DISTINCT doc_id, term
    FROM documents_, unnest(regexp_extract_all(lower(title), '\p{L}[\p{L}\p{N}-]{3,}')) AS t(term)
),
doc_terms AS (
    SELECT t.doc_id, t.term
    FROM title_terms t
    ANTI JOIN stopwords s ON s.word = t.term
),
doc_values AS (
    SELECT DISTINCT f.doc_id, f.story_id, f.source, f.week_start, f.value
    FROM value_facts f, scope
    WHERE f.week_start >= scope.since
),
evidence_terms AS (
    SELECT DISTINCT sg.doc_id, split_part(sg.label, '.', 1) AS value, lower(trim(e.text)) AS term
    FROM signals sg
    JOIN documents_ d USING (doc_id),
         unnest(from_json(sg.evidence, '[{"text": "VARCHAR"}]')) AS u(e)
    WHERE sg.dimension = 'values' AND length(trim(e.text)) >= 3
),
value_terms AS (
    SELECT v.value, t.term, v.week_start, v.story_id, v.source, v.doc_id
    FROM doc_values v JOIN doc_terms t USING (doc_id)
    UNION
    SELECT v.value, e.term, v.week_start, v.story_id, v.source, v.doc_id
    FROM doc_values v JOIN evidence_terms e USING (doc_id, value)
),
term_week AS (
    SELECT t.term, d.week_start, count(DISTINCT d.story_id) AS stories
    FROM doc_terms t JOIN documents_ d USING (doc_id)
    GROUP BY ALL
),
term_history AS (
    SELECT *, coalesce(sum(stories) OVER (
                  PARTITION BY term ORDER BY week_start
                  RANGE BETWEEN to_days(($baseline_weeks * 7)::INTEGER) PRECEDING
                            AND INTERVAL 7 DAYS PRECEDING), 0) AS baseline_stories
    FROM term_week
),
pair_week AS (
    SELECT value, term, week_start,
           count(DISTINCT story_id) AS stories,
           count(DISTINCT source)   AS sources,
           list(DISTINCT doc_id ORDER BY doc_id) AS doc_ids
    FROM value_terms
    GROUP BY ALL
),
pair_history AS (
    SELECT *, coalesce(sum(stories) OVER (
                  PARTITION BY value, term ORDER BY week_start
                  RANGE BETWEEN to_days(($baseline_weeks * 7)::INTEGER) PRECEDING
                            AND INTERVAL 7 DAYS PRECEDING), 0) AS baseline_stories
    FROM pair_week
),
found AS (
    SELECT w.week, p.value, p.term, p.stories, p.sources,
           coalesce(h.stories, p.stories) AS term_stories,
           coalesce(h.baseline_stories, 0) AS term_baseline_stories, p.doc_ids,
           row_number() OVER (PARTITION BY w.week, p.value
                              ORDER BY p.stories DESC, p.sources DESC, p.term) AS rank
    FROM pair_history p
    JOIN tested_weeks w USING (week_start)
    LEFT JOIN term_history h USING (term, week_start)
    WHERE p.baseline_stories = 0
      AND p.stories >= $min_stories
      AND p.sources >= $min_sources
),
sectors_ AS (
    SELECT f.week, f.value, f.term, list(DISTINCT v.sector ORDER BY v.sector) AS sectors
    FROM found f, unnest(f.doc_ids) AS u(doc_id)
    JOIN value_facts v ON v.doc_id = u.doc_id AND v.value = f.value
    GROUP BY ALL
)
SELECT f.week, f.value, f.term, f.stories, f.sources, f.term_stories, f.term_baseline_stories,
       s.sectors, f.doc_ids, now()::TIMESTAMP AS detected_at, $run_id AS run_id
FROM found f
JOIN sectors_ s USING (week, value, term)
WHERE f.rank <= $limit
