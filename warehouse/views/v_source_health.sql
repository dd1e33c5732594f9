-- Health of every source, judged against its own run history (source_runs): the one judgement
-- that `gaimon health`, `gaimon sources check` and the digest's operator notes show. Sources
-- of the registry that never ran are listed too.
--
-- Status, from the last run alone: never (no run recorded yet), ok, degraded (it stored items
-- but some requests or lines failed: status partial, or errors), failing (it failed: nothing
-- stored).
--
-- Flags, from the history. Volume is what a crawl staged. Incremental crawls (asked for items
-- `since` the last good one) are compared with incremental crawls only: a first full crawl is
-- no yardstick for a day's news.
--   failing  its last `failures` runs or more failed;
--   zero     its last crawl staged nothing, and that is unusual: more than `sigma` standard
--            deviations below the mean of its earlier runs, or its very first crawl;
--   low/high its last volume lies more than `sigma` standard deviations below or above the
--            mean of its earlier runs.
-- Volume is judged once a source has `min_history` comparable earlier runs (the last
-- `window_runs` of them). A history that never varied counts as varying by `min_sd` items,
-- so one item more or less is not news.
-- items_per_run is the mean volume of the last `recent_runs` runs, failed ones included.
CREATE OR REPLACE VIEW v_source_health AS
WITH thresholds AS (
    SELECT 2.0 AS sigma, 3 AS failures, 5 AS min_history, 28 AS window_runs, 0.5 AS min_sd,
           10 AS recent_runs
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
comparable AS (
    -- Earlier good runs of the same sort as the latest (incremental or full), newest first.
    SELECT r.source, r.staged,
           row_number() OVER (PARTITION BY r.source ORDER BY r.recency) AS nth
    FROM ranked AS r
    JOIN latest AS l USING (source)
    WHERE r.recency > 1 AND r.status <> 'failed' AND (r.since IS NULL) = (l.since IS NULL)
),
history AS (
    SELECT c.source, count(*) AS history_runs, avg(c.staged) AS mean_volume,
           coalesce(stddev_samp(c.staged), 0) AS sd_volume
    FROM comparable AS c, thresholds AS t
    WHERE c.nth <= t.window_runs
    GROUP BY c.source
),
counted AS (
    SELECT r.source, count(*) AS runs,
           round(avg(r.staged) FILTER (WHERE r.recency <= t.recent_runs), 1) AS items_per_run
    FROM ranked AS r, thresholds AS t
    GROUP BY r.source
),
last_error AS (
    -- The latest run that failed or reported errors, whatever came after it.
    SELECT source, message AS last_error, started_at AS last_error_at
    FROM ranked
    WHERE status <> 'ok' OR errors > 0
    QUALIFY row_number() OVER (PARTITION BY source ORDER BY recency) = 1
),
earlier AS (
    SELECT source, count(*) AS good_runs FROM ranked WHERE recency > 1 AND status <> 'failed' GROUP BY source
),
measured AS (
    SELECT
        k.source,
        src.kind,
        CASE WHEN l.status IS NULL THEN 'never'
             WHEN l.status = 'failed' THEN 'failing'
             WHEN l.status = 'partial' OR l.errors > 0 THEN 'degraded'
             ELSE 'ok' END AS status,
        coalesce(c.runs, 0) AS runs,
        l.started_at AS last_run_at,
        l.status AS last_status,
        l.message AS last_message,
        s.last_success_at,
        le.last_error,
        le.last_error_at,
        l.errors AS errors_last_run,
        coalesce(c.items_per_run, 0) AS items_per_run,
        coalesce(f.failures_in_a_row, 0) AS failures_in_a_row,
        CASE WHEN l.status <> 'failed' THEN l.staged END AS last_volume,
        coalesce(h.history_runs, 0) AS history_runs,
        h.mean_volume,
        h.sd_volume,
        CASE WHEN l.status <> 'failed' AND h.history_runs >= t.min_history
             THEN (l.staged - h.mean_volume) / greatest(h.sd_volume, t.min_sd) END AS z_score,
        l.status IS NOT NULL AND coalesce(e.good_runs, 0) = 0 AS first_crawl,
        t.sigma,
        t.failures
    FROM known AS k
    CROSS JOIN thresholds AS t
    LEFT JOIN latest AS l USING (source)
    LEFT JOIN last_success AS s USING (source)
    LEFT JOIN streak AS f USING (source)
    LEFT JOIN history AS h USING (source)
    LEFT JOIN earlier AS e USING (source)
    LEFT JOIN counted AS c USING (source)
    LEFT JOIN last_error AS le USING (source)
    LEFT JOIN sources AS src ON src.name = k.source
),
flagged AS (
    SELECT
        *,
        list_filter([
            CASE WHEN failures_in_a_row >= failures THEN 'failing' END,
            CASE WHEN last_volume = 0 AND (z_score < -sigma OR first_crawl) THEN 'zero' END,
            CASE WHEN last_volume > 0 AND z_score < -sigma THEN 'low' END,
            CASE WHEN z_score > sigma THEN 'high' END
        ], lambda flag: flag IS NOT NULL) AS flags
    FROM measured
)
SELECT
    source, kind, status, runs, last_run_at, last_status, last_message, last_success_at,
    last_error, last_error_at, errors_last_run, items_per_run, failures_in_a_row,
    last_volume, history_runs, mean_volume, sd_volume, z_score, flags,
    len(flags) = 0 AS healthy
FROM flagged
ORDER BY healthy, source;
