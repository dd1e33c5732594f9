-- Score every sector, value and week against its trailing baseline (docs/detection.md).
-- Parameters: $baseline_weeks, $min_stories, $alpha, $min_ratio.
DELETE FROM emerging;
INSERT INTO emerging
WITH pairs AS (
    SELECT DISTINCT sector, value FROM sector_week
),
grid AS (
    SELECT p.sector, p.value, t.week, t.week_start, t.stories AS week_stories,
           coalesce(s.stories, 0) AS stories, coalesce(s.documents, 0) AS documents,
           coalesce(s.sources, 0) AS sources
    FROM pairs p
    CROSS JOIN week_totals t
    LEFT JOIN sector_week s
           ON s.sector = p.sector AND s.value = p.value AND s.week_start = t.week_start
),
windowed AS (
    SELECT *,
           coalesce(sum(stories) OVER w, 0)                                         AS base_x,
           coalesce(sum(week_stories) OVER w, 0)                                    AS base_n,
           coalesce(sum(CASE WHEN week_stories > 0
                             THEN stories * stories / week_stories END) OVER w, 0)  AS base_x2n,
           coalesce(sum(CASE WHEN week_stories > 0 THEN 1 END) OVER w, 0)           AS base_k,
           count(*) OVER w                                                          AS base_weeks
    FROM grid
    WINDOW w AS (PARTITION BY sector, value ORDER BY week_start
                 ROWS BETWEEN $baseline_weeks PRECEDING AND 1 PRECEDING)
),
estimated AS (
    -- Smoothed baseline share: a pair never seen still has a small expected count. Without any
    -- AI news in the window there is nothing to expect from (and nothing is tested).
    SELECT *, CASE WHEN base_n > 0 THEN (base_x + 0.5) / (base_n + 1.0) ELSE 0.0 END AS p0
    FROM windowed
),
modelled AS (
    -- Pearson chi-square per degree of freedom over the baseline weeks, never below Poisson.
    SELECT *, week_stories * p0 AS expected,
           greatest(1.0, CASE WHEN base_k > 1 AND p0 > 0
                              THEN (base_x2n / p0 - 2 * base_x + p0 * base_n) / (base_k - 1)
                              ELSE 1.0 END) AS phi,
           base_weeks >= $baseline_weeks AND week_stories > 0 AND base_n > 0 AS tested
    FROM estimated
),
tails AS (
    SELECT *,
           CASE WHEN tested AND stories > expected
                THEN nb_upper_tail(stories, expected, phi) ELSE 1.0 END AS p_up,
           CASE WHEN tested AND stories < expected
                THEN nb_lower_tail(stories, expected, phi) ELSE 1.0 END AS p_down
    FROM modelled
)
SELECT sector, value, week, week_start, stories, documents, sources, week_stories,
       CASE WHEN week_stories > 0 THEN stories / week_stories END AS share,
       expected AS baseline, base_x AS baseline_stories, base_weeks AS baseline_weeks,
       p0 AS baseline_share, phi AS dispersion,
       least(p_up, p_down) AS p_value,
       CASE WHEN p_up <= p_down THEN -log10(greatest(p_up, 1e-300))
            ELSE log10(greatest(p_down, 1e-300)) END AS score,
       tested,
       CASE
           WHEN tested AND stories >= $min_stories AND p_up < $alpha
                AND stories >= $min_ratio * expected
               THEN CASE WHEN base_x = 0 THEN 'new' ELSE 'rising' END
           WHEN tested AND expected >= $min_stories AND p_down < $alpha
                AND stories * $min_ratio <= expected
               THEN 'falling'
           ELSE 'steady'
       END AS status
FROM tails;
