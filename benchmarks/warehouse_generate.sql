-- A synthetic warehouse for benchmarks/warehouse.py, generated inside DuckDB.
-- Parameters: $n (documents), $start (first publication time), $seconds (time span),
-- $values, $themes (theme of each value), $sectors, $roles, $policy, $legal, $kinds, $syllables.
-- Every choice is a hash of the document number, so signals can be derived again from it.

CREATE OR REPLACE TEMP TABLE bench_vocab AS
SELECT w, list_reduce(list_transform(range(2 + (hash(w, 'n') % 2)::INTEGER),
                                     lambda j: $syllables[1 + (hash(w, j) % len($syllables))::INTEGER]),
                      lambda a, b: a || b) AS word
FROM range(5000) t(w);

-- Zipf-like word frequencies: a few words are common, most are rare.
CREATE OR REPLACE TEMP TABLE bench_corpus AS
SELECT string_agg(v.word, ' ' ORDER BY t.i) AS body,
       (SELECT list(word ORDER BY w) FROM bench_vocab) AS words
FROM range(600000) t(i)
JOIN bench_vocab v ON v.w = floor(5000 * pow((hash(t.i, 'z') % 1000000) / 1e6, 3))::BIGINT;

CREATE OR REPLACE TEMP TABLE bench_docs AS
SELECT i,
       substr(md5(i::VARCHAR), 1, 16)                                   AS doc_id,
       'src' || lpad((hash(i, 's') % 60)::VARCHAR, 2, '0')             AS source,
       $start::TIMESTAMP + to_seconds((i * $seconds // $n)::BIGINT)     AS published_at,
       hash(i, 'r') % 100 < 85                                          AS relevant
FROM range($n) t(i);

INSERT INTO documents (doc_id, canonical_url, source, url, title, text, published_at, lang, author,
                       identifiers, content_hash, fetched_at, first_seen_at, updated_at, cluster_id,
                       relevant, model_version, run_id, week)
SELECT d.doc_id,
       'https://' || d.source || '.example/' || d.i,
       d.source,
       'https://' || d.source || '.example/' || d.i || '?utm_source=rss',
       array_to_string(list_transform(range(7), lambda j:
           c.words[1 + floor(5000 * pow((hash(d.i, j) % 1000000) / 1e6, 2))::INTEGER]), ' '),
       substr(c.body, 1 + (hash(d.i, 'o') % (len(c.body) - 4000))::BIGINT, 800 + (hash(d.i, 'l') % 2400)::BIGINT),
       d.published_at,
       CASE WHEN hash(d.source) % 3 = 0 THEN 'en' ELSE 'nl' END,
       NULL,
       CASE
           WHEN d.i % 997 = 0 THEN json_object(
               'procedure', '2024/0' || lpad((hash(d.i, 'p') % 40)::VARCHAR, 3, '0') || '(COD)',
               'event', 'Step ' || (d.i % 7), 'stage', 'RDG' || (1 + d.i % 3))
           WHEN d.i % 1999 = 0 THEN json_object('celex', '3202' || (d.i % 6) || 'R' || lpad((d.i % 9999)::VARCHAR, 4, '0'))
           ELSE '{}'
       END,
       sha256(d.i::VARCHAR),
       d.published_at + INTERVAL 2 HOUR,
       d.published_at + INTERVAL 2 HOUR,
       d.published_at + INTERVAL 2 HOUR,
       'k' || (d.i * 10 // 13),
       d.relevant,
       'rules-0.1',
       'run-' || strftime(d.published_at, '%Y%m%d'),
       strftime(d.published_at, '%G-W%V')
FROM bench_docs d, bench_corpus c
ORDER BY d.i;

INSERT INTO signals (doc_id, dimension, label, score, model_version, evidence, classified_at, run_id, week)
WITH labelled AS (
    SELECT d.doc_id, d.published_at, d.i,
           list_distinct([$values[1 + floor(len($values) * pow((hash(d.i, 'v1') % 1000) / 1000, 1.6))::INTEGER]]
               || CASE WHEN hash(d.i, 'v2') % 3 = 0
                       THEN [$values[1 + (hash(d.i, 'v3') % len($values))::INTEGER]] ELSE [] END) AS vals,
           CASE
               WHEN hash(d.i, 's0') % 100 < 30 THEN []::VARCHAR[]
               WHEN hash(d.i, 's0') % 100 < 85
                   THEN [$sectors[1 + floor(len($sectors) * pow((hash(d.i, 's1') % 1000) / 1000, 1.4))::INTEGER]]
               ELSE list_distinct([$sectors[1 + (hash(d.i, 's2') % len($sectors))::INTEGER],
                                   $sectors[1 + (hash(d.i, 's3') % len($sectors))::INTEGER]])
           END AS secs
    FROM bench_docs d
    WHERE d.relevant
),
planted AS (
    -- A burst to find: in the last two weeks, healthcare stories often touch social development.
    SELECT doc_id, published_at, i, secs,
           CASE WHEN list_contains(secs, 'healthcare') AND hash(i, 'b') % 10 < 3
                     AND published_at >= $start::TIMESTAMP + to_seconds(($seconds - 14 * 86400)::BIGINT)
                THEN list_distinct(vals || ['social']) ELSE vals END AS vals
    FROM labelled
),
labels AS (
    SELECT doc_id, published_at, i,
           list_transform(vals, lambda v: {'dimension': 'values', 'label': v})
           || list_transform(secs, lambda s: {'dimension': 'sectors', 'label': s})
           || list_transform(list_distinct(list_transform(vals, lambda v: $themes[list_position($values, v)])),
                             lambda t: {'dimension': 'themes', 'label': t})
           || CASE WHEN hash(i, 'ro') % 2 = 0
                   THEN [{'dimension': 'roles', 'label': $roles[1 + (hash(i, 'r1') % len($roles))::INTEGER]}]
                   ELSE [] END
           || CASE WHEN hash(i, 'po') % 2 = 0
                   THEN [{'dimension': 'policy_options', 'label': $policy[1 + (hash(i, 'p1') % len($policy))::INTEGER]}]
                   ELSE [] END
           || CASE WHEN hash(i, 'le') % 2 = 0
                   THEN [{'dimension': 'legal_frameworks', 'label': $legal[1 + (hash(i, 'l1') % len($legal))::INTEGER]}]
                   ELSE [] END
           || [{'dimension': 'kind', 'label': $kinds[1 + (hash(i, 'k') % len($kinds))::INTEGER]}] AS labels
    FROM planted
)
SELECT doc_id, l.dimension, l.label,
       0.5 + (hash(i, l.label) % 500) / 1000,
       'rules-0.1',
       '[{"text": "' || replace(l.label, '_', ' ') || '", "start": ' || (hash(i, l.label) % 900)
           || ', "end": ' || (hash(i, l.label) % 900 + 9) || '}]',
       published_at + INTERVAL 3 HOUR,
       'run-' || strftime(published_at, '%Y%m%d'),
       strftime(published_at, '%G-W%V')
FROM labels, unnest(labels) AS u(l)
ORDER BY i;

DROP TABLE bench_vocab;
DROP TABLE bench_corpus;
DROP TABLE bench_docs;
