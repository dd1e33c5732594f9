-- `gaimon crawl` records its runs too.
COMMENT ON TABLE runs IS 'One row per run of a flow (daily, weekly, backfill, reclassify) or of `gaimon crawl`';
COMMENT ON COLUMN runs.flow IS 'daily, weekly, backfill, reclassify, or crawl (the command)';
