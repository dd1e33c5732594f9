-- Legislative procedures (EU and Dutch) and their steps, derived from documents' identifiers by
-- gaimon.procedures.update_procedures: rebuilt from documents, never edited by hand.
CREATE TABLE procedures (
    procedure_id  VARCHAR PRIMARY KEY,
    jurisdiction  VARCHAR NOT NULL,
    kind          VARCHAR,
    title         VARCHAR,
    celex         VARCHAR[],
    tk_zaak       VARCHAR[],
    first_seen_at TIMESTAMP,
    updated_at    TIMESTAMP NOT NULL
);
COMMENT ON TABLE procedures IS 'Legislative procedures named in documents: EU interinstitutional references and Dutch parliamentary cases';
COMMENT ON COLUMN procedures.procedure_id IS 'Reference as the institution writes it: 2021/0106(COD) for the EU, the zaak number (2026Z19034) or dossier for the Tweede Kamer';
COMMENT ON COLUMN procedures.jurisdiction IS 'eu or nl';
COMMENT ON COLUMN procedures.kind IS 'Procedure type: COD, CNS, NLE... for EU procedures; the zaak kind for Dutch ones, if given';
COMMENT ON COLUMN procedures.title IS 'Title of the procedure, from the earliest document that names it with a procedure_title, else that document''s title';
COMMENT ON COLUMN procedures.celex IS 'CELEX numbers of acts and proposals that documents tie to the procedure';
COMMENT ON COLUMN procedures.tk_zaak IS 'Tweede Kamer zaak numbers that documents tie to the procedure';
COMMENT ON COLUMN procedures.first_seen_at IS 'Publication time of the earliest document naming the procedure (UTC)';
COMMENT ON COLUMN procedures.updated_at IS 'When update_procedures last derived the row (UTC)';

CREATE TABLE procedure_events (
    procedure_id VARCHAR NOT NULL,
    event_at     TIMESTAMP,
    stage        VARCHAR,
    event        VARCHAR NOT NULL,
    doc_id       VARCHAR NOT NULL,
    source       VARCHAR NOT NULL,
    PRIMARY KEY (procedure_id, doc_id)
);
COMMENT ON TABLE procedure_events IS 'Steps of a procedure (referral, vote, adoption, publication...), one per document that reports a step';
COMMENT ON COLUMN procedure_events.procedure_id IS 'The procedure (procedures.procedure_id)';
COMMENT ON COLUMN procedure_events.event_at IS 'When the step happened: the identifiers'' event_date, else the document''s publication time (UTC)';
COMMENT ON COLUMN procedure_events.stage IS 'Stage reached, as the source names it (e.g. RDG1, Awaiting plenary vote, Aangenomen)';
COMMENT ON COLUMN procedure_events.event IS 'What happened, as the source names it, else the document title';
COMMENT ON COLUMN procedure_events.doc_id IS 'Document that reports the step (documents.doc_id)';
COMMENT ON COLUMN procedure_events.source IS 'Source of that document';

CREATE TABLE procedure_mentions (
    procedure_id VARCHAR NOT NULL,
    doc_id       VARCHAR NOT NULL,
    via          VARCHAR NOT NULL,
    PRIMARY KEY (procedure_id, doc_id)
);
COMMENT ON TABLE procedure_mentions IS 'Documents that name a procedure, in their identifiers or in their title or text';
COMMENT ON COLUMN procedure_mentions.procedure_id IS 'The procedure (procedures.procedure_id)';
COMMENT ON COLUMN procedure_mentions.doc_id IS 'The document (documents.doc_id)';
COMMENT ON COLUMN procedure_mentions.via IS 'identifier (the source tied it to the procedure), celex or tk_zaak (named an act or case of it), or text (the reference appears in title or text)';
