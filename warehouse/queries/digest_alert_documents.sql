-- Documents that carry the week's alerts, one row per alert and document.
SELECT a.sector, a.value, d.doc_id, d.title, d.url, d.source, d.published_at
FROM alerts a, unnest(a.doc_ids) AS u(doc_id)
JOIN documents d ON d.doc_id = u.doc_id
WHERE a.week = $week
ORDER BY a.sector, a.value, d.published_at DESC;
