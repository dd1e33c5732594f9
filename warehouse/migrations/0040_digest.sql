-- State of the weekly digest: drafts and approvals, analysts' dismissals, and sends.
CREATE TABLE digest_issues (
    week         VARCHAR PRIMARY KEY,
    status       VARCHAR NOT NULL,
    built_at     TIMESTAMP NOT NULL,
    approved_at  TIMESTAMP,
    approved_by  VARCHAR,
    content_hash VARCHAR NOT NULL
);
COMMENT ON TABLE digest_issues IS 'One row per ISO week with a digest: a draft until an analyst approves it';
COMMENT ON COLUMN digest_issues.week IS 'ISO week, e.g. 2026-W47';
COMMENT ON COLUMN digest_issues.status IS 'draft or approved; only an approved digest is sent';
COMMENT ON COLUMN digest_issues.built_at IS 'When the draft was last built (UTC)';
COMMENT ON COLUMN digest_issues.approved_at IS 'When it was approved (UTC); NULL for a draft';
COMMENT ON COLUMN digest_issues.approved_by IS 'Who approved it';
COMMENT ON COLUMN digest_issues.content_hash IS 'sha256 of the frozen digest data; sending checks it';

CREATE TABLE digest_dismissals (
    doc_id       VARCHAR NOT NULL,
    dimension    VARCHAR NOT NULL,
    label        VARCHAR NOT NULL,
    week         VARCHAR NOT NULL,
    reason       VARCHAR,
    analyst      VARCHAR,
    dismissed_at TIMESTAMP NOT NULL,
    PRIMARY KEY (doc_id, dimension, label)
);
COMMENT ON TABLE digest_dismissals IS 'Signals an analyst dismissed as wrong while reviewing a digest draft';
COMMENT ON COLUMN digest_dismissals.doc_id IS 'The document (documents.doc_id)';
COMMENT ON COLUMN digest_dismissals.dimension IS 'Dimension of the wrong signal (values, sectors, kind...), or * for the whole document';
COMMENT ON COLUMN digest_dismissals.label IS 'Label of the wrong signal, or * for the whole document';
COMMENT ON COLUMN digest_dismissals.week IS 'Digest week in which it was dismissed';
COMMENT ON COLUMN digest_dismissals.reason IS 'Why, in the analyst''s words';
COMMENT ON COLUMN digest_dismissals.analyst IS 'Who dismissed it';
COMMENT ON COLUMN digest_dismissals.dismissed_at IS 'When (UTC)';

CREATE TABLE digest_sends (
    week        VARCHAR NOT NULL,
    address     VARCHAR NOT NULL,
    message_id  VARCHAR NOT NULL,
    status      VARCHAR NOT NULL,
    attempts    INTEGER NOT NULL,
    error       VARCHAR,
    updated_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (week, address)
);
COMMENT ON TABLE digest_sends IS 'One row per week and subscriber: the digest goes to each at most once';
COMMENT ON COLUMN digest_sends.week IS 'ISO week of the digest';
COMMENT ON COLUMN digest_sends.address IS 'Subscriber e-mail address (lower case)';
COMMENT ON COLUMN digest_sends.message_id IS 'Message-ID derived from week and address, to find the message in mail logs';
COMMENT ON COLUMN digest_sends.status IS 'sending (handed to SMTP, outcome unknown until sent), sent, or failed (refused; retried)';
COMMENT ON COLUMN digest_sends.attempts IS 'SMTP attempts so far';
COMMENT ON COLUMN digest_sends.error IS 'Last error, if any';
COMMENT ON COLUMN digest_sends.updated_at IS 'When the status last changed (UTC)';
