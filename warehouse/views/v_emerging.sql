-- Per sector, public value and ISO week: stories against the trailing baseline, and a status.
-- First version: the trailing mean of the eight weeks before; see docs/detection.md.
CREATE OR REPLACE VIEW v_emerging AS
WITH weeks AS (
    SELECT DISTINCT week FROM v_sector_week
),
pairs AS (
    SELECT DISTINCT sector, value FROM v_sector_week
),
grid AS (
    SELECT p.sector, p.value, w.week,
           coalesce(s.stories, 0) AS stories, coalesce(s.sources, 0) AS sources
    FROM pairs p
    CROSS JOIN weeks w
    LEFT JOIN v_sector_week s USING (sector, value, week)
),
scored AS (
    SELECT *,
           avg(stories) OVER (PARTITION BY sector, value ORDER BY week
                              ROWS BETWEEN 8 PRECEDING AND 1 PRECEDING) AS baseline
    FROM grid
)
SELECT sector, value, week, stories, sources,
       coalesce(baseline, 0) AS baseline,
       (stories - coalesce(baseline, 0)) / sqrt(greatest(coalesce(baseline, 0), 1)) AS score,
       CASE
           WHEN stories >= 3 AND coalesce(baseline, 0) < 0.5 THEN 'new'
           WHEN stories >= 3 AND stories > 2 * baseline THEN 'rising'
           WHEN baseline >= 2 AND stories < 0.5 * baseline THEN 'falling'
           ELSE 'steady'
       END AS status
FROM scored;
