-- Per sector, public value and ISO week: stories (clusters counted once), sources, share of
-- that week's relevant AI stories.
CREATE OR REPLACE VIEW v_sector_week AS
WITH value_signals AS (
    SELECT week, sector, label AS value, story_id, source, doc_id
    FROM v_signals
    WHERE dimension = 'values'
),
week_totals AS (
    SELECT strftime(published_at, '%G-W%V') AS week,
           count(DISTINCT coalesce(cluster_id, doc_id)) AS week_stories
    FROM documents
    WHERE relevant
    GROUP BY 1
)
SELECT v.sector, v.value, v.week,
       count(DISTINCT v.story_id)                          AS stories,
       count(DISTINCT v.doc_id)                            AS documents,
       count(DISTINCT v.source)                            AS sources,
       t.week_stories,
       count(DISTINCT v.story_id) / t.week_stories::DOUBLE AS share
FROM value_signals v
JOIN week_totals t USING (week)
GROUP BY v.sector, v.value, v.week, t.week_stories;
