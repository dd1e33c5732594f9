-- Detection is recomputed from signals: the alerts table is replaced as a whole.
DELETE FROM alerts;
INSERT INTO alerts
SELECT week, sector, value, stories, baseline, score, status, doc_ids, now()::TIMESTAMP
FROM detected;
