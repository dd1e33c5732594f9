-- Written into the analysts' copy only (gaimon/ops/snapshot.py): when and by what it was published.
CREATE OR REPLACE TABLE snapshot_info AS
SELECT $published_at::TIMESTAMP AS published_at,
       $published_by::VARCHAR AS published_by,
       $run_id::VARCHAR AS run_id,
       $warehouse::VARCHAR AS warehouse;

COMMENT ON TABLE snapshot_info IS 'This file is the analysts'' read-only copy of the warehouse: one row saying when it was published and by what.';
COMMENT ON COLUMN snapshot_info.published_at IS 'When the copy was taken (UTC); nothing written to the warehouse after this is in it';
COMMENT ON COLUMN snapshot_info.published_by IS 'The run (daily, weekly...) or command (gaimon load...) that published it';
COMMENT ON COLUMN snapshot_info.run_id IS 'runs.run_id of the run that published it; NULL for a single command';
COMMENT ON COLUMN snapshot_info.warehouse IS 'The warehouse file it is a copy of';
