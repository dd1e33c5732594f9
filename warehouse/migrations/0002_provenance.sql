-- Provenance: which run stored a document's current version and which run wrote a signal.
-- Nullable: rows written outside a recorded run (tests, a manual `gaimon load`) have none.
ALTER TABLE documents ADD COLUMN run_id VARCHAR;
ALTER TABLE signals ADD COLUMN run_id VARCHAR;
COMMENT ON COLUMN documents.run_id IS 'Run that stored the current version (runs.run_id); NULL outside a recorded run';
COMMENT ON COLUMN signals.run_id IS 'Run that wrote the label (runs.run_id); NULL outside a recorded run';
