-- Per sector, public value and ISO week: stories (clusters counted once), documents, distinct
-- sources, and the share of that week's relevant AI stories. Read from the `sector_week`
-- aggregate that `gaimon detect` refreshes; `detections` says when it last did.
CREATE OR REPLACE VIEW v_sector_week AS
SELECT sector, value, week, week_start, stories, documents, sources, week_stories, share
FROM sector_week;

COMMENT ON VIEW v_sector_week IS 'Stories per sector, public value and ISO week, as of the last gaimon detect';
COMMENT ON COLUMN v_sector_week.sector IS 'Sector id, or general for items without a sector';
COMMENT ON COLUMN v_sector_week.value IS 'Public value id';
COMMENT ON COLUMN v_sector_week.week IS 'ISO week, e.g. 2026-W47';
COMMENT ON COLUMN v_sector_week.week_start IS 'Monday of the ISO week';
COMMENT ON COLUMN v_sector_week.stories IS 'Distinct stories (clusters) with this sector and value';
COMMENT ON COLUMN v_sector_week.documents IS 'Documents with this sector and value';
COMMENT ON COLUMN v_sector_week.sources IS 'Distinct sources of those documents';
COMMENT ON COLUMN v_sector_week.week_stories IS 'All relevant AI stories that week';
COMMENT ON COLUMN v_sector_week.share IS 'stories / week_stories';
