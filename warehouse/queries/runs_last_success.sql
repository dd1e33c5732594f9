-- When each source's last good crawl started: the next crawl asks for everything since then.
SELECT source, max(started_at) AS started_at
FROM source_runs
WHERE status <> 'failed'
GROUP BY source;
