-- The weeks term detection tests: the last $term_weeks weeks that have a full baseline.
-- Parameters: $baseline_weeks, $term_weeks.
CREATE OR REPLACE TEMP TABLE term_weeks AS
WITH bounds AS (
    SELECT min(week_start) AS first_week, max(week_start) AS last_week FROM week_totals
)
SELECT t.week, t.week_start
FROM week_totals t, bounds b
WHERE t.week_start > b.last_week - to_days(($term_weeks * 7)::INTEGER)
  AND t.week_start >= b.first_week + to_days(($baseline_weeks * 7)::INTEGER);
