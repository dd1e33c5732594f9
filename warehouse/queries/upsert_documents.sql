-- Load a batch of staged items (temp table `staged`) into documents.
-- New URL: insert. Same URL and content: nothing changes (re-runs are no-ops).
-- Same URL, new content: update in place, keep first_seen_at, drop old labels' version
-- so the item is classified again.
INSERT INTO documents AS d
SELECT doc_id, canonical_url, source, url, title, text, published_at, lang, author,
       identifiers, content_hash, fetched_at,
       fetched_at AS first_seen_at, fetched_at AS updated_at,
       NULL AS cluster_id, NULL AS relevant, NULL AS model_version
FROM staged
ON CONFLICT (doc_id) DO UPDATE SET
    url = excluded.url,
    title = excluded.title,
    text = excluded.text,
    published_at = coalesce(excluded.published_at, d.published_at),
    lang = excluded.lang,
    author = excluded.author,
    identifiers = excluded.identifiers,
    content_hash = excluded.content_hash,
    fetched_at = excluded.fetched_at,
    updated_at = excluded.fetched_at,
    relevant = NULL,
    model_version = NULL
WHERE d.content_hash <> excluded.content_hash;
