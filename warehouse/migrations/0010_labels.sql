-- Analysts' corrections of the classifier's labels (`gaimon label`). They are kept apart from
-- signals so that labelling again never overwrites them: every classification run applies them
-- to the signals it writes, and `gaimon train` learns from them.
CREATE TABLE labels (
    doc_id      VARCHAR NOT NULL,
    dimension   VARCHAR NOT NULL,
    label       VARCHAR NOT NULL,
    action      VARCHAR NOT NULL CHECK (action IN ('add', 'remove')),
    analyst     VARCHAR,
    note        VARCHAR,
    labelled_at TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, dimension, label)
);
COMMENT ON TABLE labels IS 'Analysts'' corrections of classifier labels; the latest decision per document and label';
COMMENT ON COLUMN labels.doc_id IS 'The corrected document (documents.doc_id)';
COMMENT ON COLUMN labels.dimension IS 'themes, values, sectors, roles, policy_options, legal_frameworks, kind, or relevant (about AI at all)';
COMMENT ON COLUMN labels.label IS 'Taxonomy id within the dimension; ai for the dimension relevant';
COMMENT ON COLUMN labels.action IS 'add (the document has the label) or remove (it has not)';
COMMENT ON COLUMN labels.analyst IS 'Who made the correction';
COMMENT ON COLUMN labels.note IS 'Why, in the analyst''s words';
COMMENT ON COLUMN labels.labelled_at IS 'When the correction was made (UTC)';

ALTER TABLE signals ADD COLUMN origin VARCHAR DEFAULT 'model';
COMMENT ON COLUMN signals.origin IS 'model (the classifier gave the label) or analyst (a correction in labels added it)';
