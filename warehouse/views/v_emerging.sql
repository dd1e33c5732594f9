-- Per sector, public value and ISO week (every week from the first to the last, zeros included):
-- stories against the expected count from the trailing baseline, a negative-binomial tail
-- probability and a status (new, rising, steady, falling). Method: docs/detection.md. Read from the
-- `emerging` table that `gaimon detect` refreshes.
CREATE OR REPLACE VIEW v_emerging AS
SELECT sector, value, week, stories, sources, baseline, score, status,
       p_value, documents, week_stories, share, baseline_share, baseline_stories,
       baseline_weeks, dispersion, tested, week_start
FROM emerging;
