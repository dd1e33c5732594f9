INSERT OR REPLACE INTO sources (name, kind, url, lang, tags, description)
VALUES (?, ?, ?, ?, ?, ?);
