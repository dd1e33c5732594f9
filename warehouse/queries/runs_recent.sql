-- The latest runs with their per-source outcome, newest first.
SELECT r.run_id, r.flow, r.status, r.started_at, r.finished_at,
       date_diff('second', r.started_at, r.finished_at) AS seconds,
       count(s.source) AS sources,
       count(s.source) FILTER (WHERE s.status = 'failed') AS failed_sources,
       coalesce(sum(s.new), 0) AS new_documents,
       r.message
FROM runs AS r
LEFT JOIN source_runs AS s USING (run_id)
GROUP BY ALL
ORDER BY r.started_at DESC
LIMIT $limit;
