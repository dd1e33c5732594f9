-- Per sector, public value and ISO week (every week from the first to the last, zeros included):
-- stories against the expected count from the trailing baseline, a negative-binomial tail
-- probability and a status (new, rising, steady, falling). Method: docs/detection.md. Read from the
-- `emerging` table that `gaimon detect` refreshes.
CREATE OR REPLACE VIEW v_emerging AS
SELECT sector, value, week, stories, sources, baseline, score, status,
       p_value, documents, week_stories, share, baseline_share, baseline_stories,
       baseline_weeks, dispersion, tested, week_start
FROM emerging;

COMMENT ON VIEW v_emerging IS 'Every sector, value and week scored against its trailing baseline, as of the last gaimon detect (docs/detection.md)';
COMMENT ON COLUMN v_emerging.sector IS 'Sector id, or general';
COMMENT ON COLUMN v_emerging.value IS 'Public value id';
COMMENT ON COLUMN v_emerging.week IS 'ISO week';
COMMENT ON COLUMN v_emerging.stories IS 'Distinct stories with this sector and value that week (0 when none)';
COMMENT ON COLUMN v_emerging.sources IS 'Distinct sources of those stories';
COMMENT ON COLUMN v_emerging.baseline IS 'Expected stories: the week''s AI stories times the smoothed share of the baseline weeks';
COMMENT ON COLUMN v_emerging.score IS 'Signed surprise: -log10(p_value) above the baseline, log10(p_value) below it';
COMMENT ON COLUMN v_emerging.status IS 'new, rising (both alerts), falling or steady';
COMMENT ON COLUMN v_emerging.p_value IS 'Negative-binomial tail probability of a count this far from the baseline, on its side';
COMMENT ON COLUMN v_emerging.documents IS 'Documents with this sector and value that week';
COMMENT ON COLUMN v_emerging.week_stories IS 'All relevant AI stories that week';
COMMENT ON COLUMN v_emerging.share IS 'stories / week_stories';
COMMENT ON COLUMN v_emerging.baseline_share IS 'Smoothed share of the baseline weeks';
COMMENT ON COLUMN v_emerging.baseline_stories IS 'Stories with this sector and value in the baseline weeks';
COMMENT ON COLUMN v_emerging.baseline_weeks IS 'Weeks of history in the baseline window';
COMMENT ON COLUMN v_emerging.dispersion IS 'Overdispersion of the baseline weeks (1 = Poisson)';
COMMENT ON COLUMN v_emerging.tested IS 'Whether the week had a full baseline to be tested against';
COMMENT ON COLUMN v_emerging.week_start IS 'Monday of the ISO week';
