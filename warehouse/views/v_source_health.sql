-- Health of every source, judged against its own run history (source_runs).
-- Flags:
--   failing  its last `failures` runs or more failed;
--   zero     its last crawl staged nothing, although it used to bring at least one item a
--            run (or has no history yet);
--   low/high its last volume lies more than `sigma` standard deviations from the mean of its
--            earlier runs, judged once it has `min_history` of them. A history that never
--            varied counts as varying by `min_sd` items, so one item more or less is not news.
CREATE OR REPLACE VIEW v_source_health AS
WITH thresholds AS (
    SELECT 2.0 AS sigma, 3 AS failures, 5 AS min_history, 28 AS window_runs, 0.5 AS min_sd
),
known AS (
    SELECT name AS source FROM sources
    UNION
    SELECT DISTINCT source FROM source_runs
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY source ORDER BY started_at DESC, finished_at DESC) AS recency
    FROM source_runs
),
latest AS (
    SELECT * FROM ranked WHERE recency = 1
),
last_success AS (
    SELECT source, max(started_at) AS last_success_at
    FROM source_runs
    WHERE status <> 'failed'
    GROUP BY source
),
streak AS (
    SELECT r.source, count(*) AS failures_in_a_row
    FROM ranked AS r
    LEFT JOIN last_success AS s USING (source)
    WHERE r.status = 'failed' AND (s.last_success_at IS NULL OR r.started_at > s.last_success_at)
    GROUP BY r.source
),
history AS (
    SELECT r.source, count(*) AS history_runs, avg(r.staged) AS mean_volume,
           coalesce(stddev_samp(r.staged), 0) AS sd_volume
    FROM ranked AS r, thresholds AS t
    WHERE r.recency > 1 AND r.recency <= 1 + t.window_runs AND r.status <> 'failed'
    GROUP BY r.source
),
measured AS (
    SELECT
        k.source,
        l.started_at AS last_run_at,
        l.status AS last_status,
        l.message AS last_message,
        s.last_success_at,
        coalesce(f.failures_in_a_row, 0) AS failures_in_a_row,
        CASE WHEN l.status <> 'failed' THEN l.staged END AS last_volume,
        coalesce(h.history_runs, 0) AS history_runs,
        h.mean_volume,
        h.sd_volume,
        CASE WHEN l.status <> 'failed' AND h.history_runs >= t.min_history
             THEN (l.staged - h.mean_volume) / greatest(h.sd_volume, t.min_sd) END AS z_score,
        t.sigma,
        t.failures
    FROM known AS k
    CROSS JOIN thresholds AS t
    LEFT JOIN latest AS l USING (source)
    LEFT JOIN last_success AS s USING (source)
    LEFT JOIN streak AS f USING (source)
    LEFT JOIN history AS h USING (source)
),
flagged AS (
    SELECT
        *,
        list_filter([
            CASE WHEN failures_in_a_row >= failures THEN 'failing' END,
            CASE WHEN last_volume = 0 AND coalesce(mean_volume, 1) >= 1 THEN 'zero' END,
            CASE WHEN last_volume > 0 AND z_score < -sigma THEN 'low' END,
            CASE WHEN z_score > sigma THEN 'high' END
        ], lambda flag: flag IS NOT NULL) AS flags
    FROM measured
)
SELECT
    source, last_run_at, last_status, last_message, last_success_at, failures_in_a_row,
    last_volume, history_runs, mean_volume, sd_volume, z_score, flags,
    len(flags) = 0 AS healthy
FROM flagged
ORDER BY healthy, source;
