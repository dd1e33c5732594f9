-- The week's legislative steps, enforcement actions and research, per sector (general when
-- the item has no sector), with what the source registry says about where it comes from.
SELECT s.sector, s.label AS kind, s.doc_id, s.story_id, s.title, s.url, s.source,
       s.published_at, s.lang, s.score, d.identifiers, d.author,
       src.tags AS source_tags, src.description AS source_description
FROM v_signals s
JOIN documents d USING (doc_id)
LEFT JOIN sources src ON src.name = s.source
WHERE s.week = $week AND s.dimension = 'kind'
  AND s.label IN ('legislation', 'enforcement', 'research')
ORDER BY s.sector, s.label, s.published_at DESC, s.doc_id;
