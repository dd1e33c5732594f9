-- Alerts are the new and rising rows of `emerging`, with the documents that carry them.
-- Parameters: $method, $run_id.
DELETE FROM alerts;
INSERT INTO alerts (week, sector, value, stories, baseline, score, status, doc_ids, detected_at,
                    sources, week_stories, p_value, method, run_id)
SELECT e.week, e.sector, e.value, e.stories, e.baseline, e.score, e.status,
       list(DISTINCT f.doc_id ORDER BY f.doc_id), now()::TIMESTAMP,
       e.sources, e.week_stories, e.p_value, $method, $run_id
FROM emerging e
JOIN value_facts f ON f.sector = e.sector AND f.value = e.value AND f.week_start = e.week_start
WHERE e.status IN ('new', 'rising')
GROUP BY ALL;
