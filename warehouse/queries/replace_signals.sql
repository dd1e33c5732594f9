-- Swap in a batch of classifications (temp tables `classified` and `new_signals`).
DELETE FROM signals WHERE doc_id IN (SELECT doc_id FROM classified);
-- Each label carries its document's ISO week, so week filters can skip old row groups.
INSERT INTO signals BY NAME SELECT n.*, d.week FROM new_signals n LEFT JOIN documents d USING (doc_id);
UPDATE documents AS d
SET relevant = c.relevant, model_version = c.model_version, lang = coalesce(d.lang, c.lang),
    read_chars = c.read_chars, closest_call = c.closest_call, margin = c.margin
FROM classified c
WHERE d.doc_id = c.doc_id;
