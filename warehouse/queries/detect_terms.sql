-- Terms that suddenly co-occur with a public value: title words and evidence phrases of the
-- stories carrying the value in a tested week, which no story carrying the value had in the
-- baseline weeks before, kept in the temp table found_terms. Uses temp tables value_facts, stopwords and term_weeks.
-- Parameters: $baseline_weeks, $min_stories, $min_sources, $limit, $run_id.
CREATE OR REPLACE TEMP TABLE found_terms AS
WITH scope AS (
    -- The tested weeks and the baseline weeks before them.
    SELECT min(week_start) - to_days(($baseline_weeks * 7)::INTEGER) AS since FROM term_weeks
),
documents_ AS (
    SELECT d.doc_id, d.title
    FROM documents d, scope
    WHERE d.relevant AND d.published_at >= scope.since
),
doc_terms AS (
    SELECT doc_id, term
    FROM (SELECT doc_id, unnest(regexp_split_to_array(lower(title), '[^\p{L}\p{N}-]+')) AS term
          FROM documents_)
    WHERE length(term) >= 4 AND regexp_matches(term, '^\p{L}')
      AND term NOT IN (SELECT word FROM stopwords)
),
doc_values AS (
    SELECT DISTINCT f.doc_id, f.story_id, f.source, f.week_start, f.value
    FROM value_facts f, scope
    WHERE f.week_start >= scope.since
),
evidence_terms AS (
    SELECT sg.doc_id, split_part(sg.label, '.', 1) AS value, lower(trim(e.text)) AS term
    FROM signals sg
    SEMI JOIN documents_ d ON d.doc_id = sg.doc_id,
         unnest(from_json(sg.evidence, '[{"text": "VARCHAR"}]')) AS u(e)
    WHERE sg.dimension = 'values' AND sg.week >= (SELECT strftime(since, '%G-W%V') FROM scope)
      AND length(trim(e.text)) >= 3
),
value_terms AS (
    SELECT v.value, t.term, v.week_start, v.story_id, v.source, v.doc_id
    FROM doc_values v JOIN doc_terms t USING (doc_id)
    UNION ALL
    SELECT v.value, e.term, v.week_start, v.story_id, v.source, v.doc_id
    FROM doc_values v JOIN evidence_terms e USING (doc_id, value)
),
pair_week AS (
    SELECT value, term, week_start, count(DISTINCT story_id) AS stories
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
candidates AS (
    SELECT p.value, p.term, p.week_start, w.week, p.stories
    FROM pair_history p
    JOIN term_weeks w USING (week_start)
    WHERE p.baseline_stories = 0 AND p.stories >= $min_stories
),
carriers AS (
    -- The stories behind each candidate, with their sources and sectors.
    SELECT c.week, c.value, c.term, c.week_start, c.stories, v.doc_id, v.source, f.sector
    FROM candidates c
    JOIN value_terms v USING (value, term, week_start)
    JOIN value_facts f ON f.doc_id = v.doc_id AND f.value = v.value
),
found AS (
    SELECT week, value, term, week_start, any_value(stories) AS stories,
           count(DISTINCT source) AS sources,
           list(DISTINCT sector ORDER BY sector) AS sectors,
           list(DISTINCT doc_id ORDER BY doc_id) AS doc_ids
    FROM carriers
    GROUP BY week, value, term, week_start
    HAVING count(DISTINCT source) >= $min_sources
),
term_use AS (
    -- How common each found term is across all relevant stories, this week and before.
    SELECT f.term, f.week_start,
           count(DISTINCT v.story_id) FILTER (WHERE v.week_start = f.week_start) AS term_stories,
           count(DISTINCT v.story_id) FILTER (WHERE v.week_start < f.week_start) AS term_baseline_stories
    FROM (SELECT DISTINCT term, week_start FROM found) f
    JOIN (SELECT t.term, v.story_id, v.week_start
          FROM doc_terms t JOIN doc_values v USING (doc_id)) v
      ON v.term = f.term
     AND v.week_start BETWEEN f.week_start - to_days(($baseline_weeks * 7)::INTEGER) AND f.week_start
    GROUP BY f.term, f.week_start
),
ranked AS (
    SELECT f.*, coalesce(u.term_stories, f.stories) AS term_stories,
           coalesce(u.term_baseline_stories, 0) AS term_baseline_stories,
           row_number() OVER (PARTITION BY f.week, f.value
                              ORDER BY f.stories DESC, f.sources DESC, f.term) AS rank
    FROM found f
    LEFT JOIN term_use u USING (term, week_start)
)
SELECT week, value, term, stories, sources, term_stories, term_baseline_stories,
       sectors, doc_ids, now()::TIMESTAMP AS detected_at, $run_id AS run_id
FROM ranked
WHERE rank <= $limit
