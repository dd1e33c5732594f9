-- Core tables: where documents come from, the documents, and the labels on them.
CREATE TABLE sources (
    name        VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL,
    url         VARCHAR NOT NULL,
    lang        VARCHAR,
    tags        VARCHAR[],
    description VARCHAR
);
COMMENT ON TABLE sources IS 'Sources in the registry, as last loaded: one row per registry entry';
COMMENT ON COLUMN sources.name IS 'Registry name of the source, e.g. nos_tech';
COMMENT ON COLUMN sources.kind IS 'Spider kind that reads it: rss, sitemap, eurlex_sparql, ep_api, tk_odata, html_list';
COMMENT ON COLUMN sources.url IS 'Feed, sitemap or API endpoint';
COMMENT ON COLUMN sources.lang IS 'Language the source publishes in, if it has one (nl, en)';
COMMENT ON COLUMN sources.tags IS 'Free tags from the registry (news, eu, nl, regulator...)';
COMMENT ON COLUMN sources.description IS 'What the source is for';

CREATE TABLE documents (
    doc_id        VARCHAR PRIMARY KEY,
    canonical_url VARCHAR NOT NULL UNIQUE,
    source        VARCHAR NOT NULL,
    url           VARCHAR NOT NULL,
    title         VARCHAR NOT NULL,
    text          VARCHAR,
    published_at  TIMESTAMP,
    lang          VARCHAR,
    author        VARCHAR,
    identifiers   JSON,
    content_hash  VARCHAR NOT NULL,
    fetched_at    TIMESTAMP NOT NULL,
    first_seen_at TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    cluster_id    VARCHAR,
    relevant      BOOLEAN,
    model_version VARCHAR
);
COMMENT ON TABLE documents IS 'Every crawled item, once per canonical URL; a changed item is updated in place';
COMMENT ON COLUMN documents.doc_id IS 'Stable id: first 16 hex digits of sha1(canonical_url)';
COMMENT ON COLUMN documents.canonical_url IS 'URL without fragment and tracking parameters';
COMMENT ON COLUMN documents.source IS 'Registry name of the source it was crawled from (first seen)';
COMMENT ON COLUMN documents.url IS 'URL as the source gave it';
COMMENT ON COLUMN documents.title IS 'Title as published (untrusted text: escape when shown)';
COMMENT ON COLUMN documents.text IS 'Main text, markup removed (untrusted text)';
COMMENT ON COLUMN documents.published_at IS 'Publication time in UTC';
COMMENT ON COLUMN documents.lang IS 'Language of the item (nl, en...)';
COMMENT ON COLUMN documents.author IS 'Author or creator, if the source names one';
COMMENT ON COLUMN documents.identifiers IS 'Identifiers found in the item: celex, procedure, tk_zaak, doi...';
COMMENT ON COLUMN documents.content_hash IS 'sha256 of normalised title and text; a new hash means the item changed';
COMMENT ON COLUMN documents.fetched_at IS 'When the current version was fetched (UTC)';
COMMENT ON COLUMN documents.first_seen_at IS 'When gaimon first stored this item (UTC); kept on update';
COMMENT ON COLUMN documents.updated_at IS 'When the stored version last changed (UTC)';
COMMENT ON COLUMN documents.cluster_id IS 'Story cluster: syndicated copies of one story share it';
COMMENT ON COLUMN documents.relevant IS 'Is the item about AI? NULL until classified';
COMMENT ON COLUMN documents.model_version IS 'Classifier version that labelled it; NULL until classified';

CREATE TABLE signals (
    doc_id        VARCHAR NOT NULL,
    dimension     VARCHAR NOT NULL,
    label         VARCHAR NOT NULL,
    score         DOUBLE NOT NULL,
    model_version VARCHAR NOT NULL,
    evidence      JSON,
    classified_at TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, dimension, label)
);
COMMENT ON TABLE signals IS 'One row per document, dimension and label the classifier gave it';
COMMENT ON COLUMN signals.doc_id IS 'The labelled document (documents.doc_id)';
COMMENT ON COLUMN signals.dimension IS 'themes, values, sectors, roles, policy_options, legal_frameworks or kind';
COMMENT ON COLUMN signals.label IS 'Taxonomy id within the dimension, e.g. privacy';
COMMENT ON COLUMN signals.score IS 'Classifier confidence between 0 and 1';
COMMENT ON COLUMN signals.model_version IS 'Classifier version that produced the label';
COMMENT ON COLUMN signals.evidence IS 'Spans that earned the label: [{text, start, end}] into title + newline + text';
COMMENT ON COLUMN signals.classified_at IS 'When the label was written (UTC)';

CREATE TABLE alerts (
    week        VARCHAR NOT NULL,
    sector      VARCHAR NOT NULL,
    value       VARCHAR NOT NULL,
    stories     INTEGER NOT NULL,
    baseline    DOUBLE NOT NULL,
    score       DOUBLE NOT NULL,
    status      VARCHAR NOT NULL,
    doc_ids     VARCHAR[] NOT NULL,
    detected_at TIMESTAMP NOT NULL,
    PRIMARY KEY (week, sector, value)
);
COMMENT ON TABLE alerts IS 'Emerging risks found by gaimon detect: a sector and value that rose in a week';
COMMENT ON COLUMN alerts.week IS 'ISO week, e.g. 2026-W47';
COMMENT ON COLUMN alerts.sector IS 'Sector id, or general for items without a sector';
COMMENT ON COLUMN alerts.value IS 'Public value id';
COMMENT ON COLUMN alerts.stories IS 'Distinct stories (clusters) that week';
COMMENT ON COLUMN alerts.baseline IS 'Expected stories from the trailing weeks';
COMMENT ON COLUMN alerts.score IS 'Strength of the rise (see docs/detection.md)';
COMMENT ON COLUMN alerts.status IS 'new or rising';
COMMENT ON COLUMN alerts.doc_ids IS 'Documents that carry the alert';
COMMENT ON COLUMN alerts.detected_at IS 'When detection last wrote the alert (UTC)';
