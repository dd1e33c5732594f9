-- Weeks in which a sector and value had clearly more stories than its trailing baseline.
-- Parameters: $min_stories, $ratio, $baseline_weeks.
WITH weeks AS (
    SELECT DISTINCT week FROM v_sector_week
),
pairs AS (
    SELECT DISTINCT sector, value FROM v_sector_week
),
grid AS (
    SELECT p.sector, p.value, w.week, coalesce(s.stories, 0) AS stories
    FROM pairs p CROSS JOIN weeks w
    LEFT JOIN v_sector_week s USING (sector, value, week)
),
scored AS (
    SELECT *,
           avg(stories) OVER (PARTITION BY sector, value ORDER BY week
                              ROWS BETWEEN $baseline_weeks PRECEDING AND 1 PRECEDING) AS baseline
    FROM grid
)
SELECT s.week, s.sector, s.value, s.stories, coalesce(s.baseline, 0) AS baseline,
       (s.stories - coalesce(s.baseline, 0)) / sqrt(greatest(coalesce(s.baseline, 0), 1)) AS score,
       CASE WHEN coalesce(s.baseline, 0) = 0 THEN 'new' ELSE 'rising' END AS status,
       list(DISTINCT v.doc_id ORDER BY v.doc_id) AS doc_ids
FROM scored s
JOIN v_signals v ON v.week = s.week AND v.sector = s.sector
                AND v.dimension = 'values' AND v.label = s.value
WHERE s.stories >= $min_stories AND s.stories > $ratio * coalesce(s.baseline, 0)
GROUP BY ALL;
