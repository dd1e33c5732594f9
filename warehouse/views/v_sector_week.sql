-- Per sector, public value and ISO week: stories (clusters counted once), documents, distinct
-- sources, and the share of that week's relevant AI stories. Read from the `sector_week`
-- aggregate that `gaimon detect` refreshes; `detections` says when it last did.
CREATE OR REPLACE VIEW v_sector_week AS
SELECT sector, value, week, week_start, stories, documents, sources, week_stories, share
FROM sector_week;
