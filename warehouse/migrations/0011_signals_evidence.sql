-- Evidence was stored as a JSON string holding the array; store the array itself, so that
-- from_json(evidence, ...) and evidence -> '$[0].text' work on it.
UPDATE signals SET evidence = json(evidence ->> '$') WHERE json_type(evidence) = 'VARCHAR';
