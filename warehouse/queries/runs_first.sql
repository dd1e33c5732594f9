-- When the first run started: weekly digests are due from that week on.
SELECT min(started_at) AS started_at FROM runs;
