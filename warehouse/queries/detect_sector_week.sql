-- Stories per sector, value and week from the facts (temp table value_facts).
DELETE FROM sector_week;
INSERT INTO sector_week
SELECT f.sector, f.value, t.week, f.week_start,
       count(DISTINCT f.story_id), count(DISTINCT f.doc_id), count(DISTINCT f.source),
       t.stories, count(DISTINCT f.story_id) / greatest(t.stories, 1)
FROM value_facts f
JOIN week_totals t USING (week_start)
GROUP BY f.sector, f.value, t.week, f.week_start, t.stories;
