-- Documents: what sources say beyond title and text (the register's kind of document and
-- source-specific facts such as a procedure's steps) and the ISO week stored for pruning.
-- Procedure steps are keyed by the source's own step id so one record can carry many; the table
-- is derived data (gaimon.procedures rebuilds it), so it is recreated empty.
ALTER TABLE documents ADD COLUMN kind VARCHAR;
ALTER TABLE documents ADD COLUMN extra JSON;
COMMENT ON COLUMN documents.kind IS 'The source''s word for the item: article, regulation, Motie, procedure...';
COMMENT ON COLUMN documents.extra IS 'Source-specific facts as staged, e.g. a procedure''s events and stage';

ALTER TABLE procedures ADD COLUMN stage VARCHAR;
COMMENT ON COLUMN procedures.stage IS 'Current stage as the procedure''s own record last stated it (EP current_stage, Tweede Kamer status)';

DROP TABLE procedure_events;
CREATE TABLE procedure_events (
    procedure_id VARCHAR NOT NULL,
    event_id     VARCHAR NOT NULL,
    event_at     TIMESTAMP,
    stage        VARCHAR,
    event        VARCHAR NOT NULL,
    doc_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (procedure_id, event_id)
);
COMMENT ON TABLE procedure_events IS 'Steps of a procedure (referral, vote, adoption, publication...): from a procedure record''s list of events, or from a document that reports one step';
COMMENT ON COLUMN procedure_events.procedure_id IS 'The procedure (procedures.procedure_id)';
COMMENT ON COLUMN procedure_events.event_id IS 'The source''s id of the step, else the id of the document reporting it';
COMMENT ON COLUMN procedure_events.event_at IS 'When the step happened (UTC); the reporting document''s publication time when the source gives no date';
COMMENT ON COLUMN procedure_events.stage IS 'Stage reached with this step, if the source names one (e.g. RDG1, Aangenomen)';
COMMENT ON COLUMN procedure_events.event IS 'What happened, as the source names it';
COMMENT ON COLUMN procedure_events.doc_id IS 'Document the step was read from (documents.doc_id)';
COMMENT ON COLUMN procedure_events.source IS 'Source of that document';

COMMENT ON COLUMN procedure_mentions.via IS 'record (the procedure''s own register entry), step (reports a step of it), identifier (the source or crawler tied it to the procedure), celex or tk_zaak (names an act or case of it), text (the reference appears in title or text)';
COMMENT ON COLUMN procedures.jurisdiction IS 'eu, nl, or other when the reference has neither form';

-- Identifiers were stored as a JSON string holding the object; store the object itself.
UPDATE documents SET identifiers = json(identifiers ->> '$') WHERE json_type(identifiers) = 'VARCHAR';

-- The ISO week of each document and signal, stored so that a question about one week reads only
-- that week's row groups (rows arrive roughly in publication order). Documents without a
-- publication date have none.
ALTER TABLE documents ADD COLUMN week VARCHAR;
ALTER TABLE signals ADD COLUMN week VARCHAR;
COMMENT ON COLUMN documents.week IS 'ISO week of published_at, e.g. 2026-W47 (NULL when undated); set by the loader';
COMMENT ON COLUMN signals.week IS 'ISO week of the document''s publication, copied when the label is written (for pruning)';
UPDATE documents SET week = strftime(published_at, '%G-W%V') WHERE published_at IS NOT NULL;
UPDATE signals SET week = d.week FROM documents d WHERE signals.doc_id = d.doc_id;

-- References found in the words of each document version, kept so that a procedure update only
-- reads the text of documents that are new or changed since the last one.
CREATE TABLE document_references (
    doc_id     VARCHAR NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    procedures VARCHAR[] NOT NULL,
    zaken      VARCHAR[] NOT NULL,
    celex      VARCHAR[] NOT NULL
);
COMMENT ON TABLE document_references IS 'Procedure references, zaak and CELEX numbers named in the title or text of each document version; maintained by gaimon.procedures';
COMMENT ON COLUMN document_references.doc_id IS 'The document (documents.doc_id)';
COMMENT ON COLUMN document_references.updated_at IS 'documents.updated_at of the version read; another value means the text must be read again';
COMMENT ON COLUMN document_references.procedures IS 'EU interinstitutional references, normalised (2021/0106(COD))';
COMMENT ON COLUMN document_references.zaken IS 'Tweede Kamer zaak numbers (2026Z19034)';
COMMENT ON COLUMN document_references.celex IS 'CELEX numbers (32024R1689)';
