-- Swap in a batch of classifications (temp tables `classified` and `new_signals`).
DELETE FROM signals WHERE doc_id IN (SELECT doc_id FROM classified);
INSERT INTO signals BY NAME SELECT * FROM new_signals;
UPDATE documents AS d
SET relevant = c.relevant, model_version = c.model_version, lang = coalesce(d.lang, c.lang)
FROM classified c
WHERE d.doc_id = c.doc_id;
