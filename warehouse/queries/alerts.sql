SELECT week, sector, value, stories, baseline, score, status, len(doc_ids) AS documents
FROM alerts
ORDER BY week DESC, score DESC;
