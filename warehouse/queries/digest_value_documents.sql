-- Every document carrying a public value in the week, per sector (general when it has no
-- sector): the digest recounts stories after analysts' dismissals and picks evidence here.
SELECT sector, label AS value, doc_id, story_id, source, title, url, published_at, score,
       evidence
FROM v_signals
WHERE week = $week AND dimension = 'values'
ORDER BY sector, label, score DESC, published_at DESC, doc_id;
