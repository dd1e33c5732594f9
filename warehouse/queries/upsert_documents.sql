-- Load a batch of staged items (temp table `staged`) into documents. Parameter: $run_id.
-- Same URL, new content: update in place, keep first_seen_at, and forget the labels' model
-- version so the item is classified again.
UPDATE documents AS d
SET url = s.url,
    title = s.title,
    text = s.text,
    published_at = coalesce(s.published_at, d.published_at),
    week = strftime(coalesce(s.published_at, d.published_at), '%G-W%V'),
    lang = s.lang,
    author = s.author,
    identifiers = s.identifiers,
    kind = s.kind,
    extra = s.extra,
    content_hash = s.content_hash,
    fetched_at = s.fetched_at,
    updated_at = s.fetched_at,
    relevant = NULL,
    model_version = NULL,
    run_id = $run_id
FROM staged s
WHERE d.doc_id = s.doc_id AND d.content_hash <> s.content_hash;

-- New URL: insert. Same URL and content: nothing changes (re-runs are no-ops).
INSERT INTO documents BY NAME
SELECT s.doc_id, s.canonical_url, s.source, s.url, s.title, s.text, s.published_at, s.lang,
       s.author, s.identifiers, s.content_hash, s.fetched_at,
       s.fetched_at AS first_seen_at, s.fetched_at AS updated_at, $run_id AS run_id,
       s.kind, s.extra, strftime(s.published_at, '%G-W%V') AS week
FROM staged s
ANTI JOIN documents d ON d.doc_id = s.doc_id;
