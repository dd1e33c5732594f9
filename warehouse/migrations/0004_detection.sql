-- Detection: weekly aggregates materialised by `gaimon detect` (the v_ views read them, so an
-- analyst's question does not recount ten million signals), richer alerts, and new terms.
CREATE TABLE week_totals (
    week       VARCHAR PRIMARY KEY,
    week_start DATE NOT NULL,
    stories    INTEGER NOT NULL,
    documents  INTEGER NOT NULL,
    sources    INTEGER NOT NULL
);
COMMENT ON TABLE week_totals IS 'Relevant AI news per ISO week, every week from the first to the last (empty weeks included); refreshed by gaimon detect';
COMMENT ON COLUMN week_totals.week IS 'ISO week, e.g. 2026-W47';
COMMENT ON COLUMN week_totals.week_start IS 'Monday of the ISO week';
COMMENT ON COLUMN week_totals.stories IS 'Distinct relevant stories (clusters; an unclustered document is its own story) published that week';
COMMENT ON COLUMN week_totals.documents IS 'Relevant documents published that week';
COMMENT ON COLUMN week_totals.sources IS 'Distinct sources of those documents';

CREATE TABLE sector_week (
    sector       VARCHAR NOT NULL,
    value        VARCHAR NOT NULL,
    week         VARCHAR NOT NULL,
    week_start   DATE NOT NULL,
    stories      INTEGER NOT NULL,
    documents    INTEGER NOT NULL,
    sources      INTEGER NOT NULL,
    week_stories INTEGER NOT NULL,
    share        DOUBLE NOT NULL,
    PRIMARY KEY (sector, value, week)
);
COMMENT ON TABLE sector_week IS 'Stories per sector, public value and ISO week (only weeks with at least one); refreshed by gaimon detect';
COMMENT ON COLUMN sector_week.sector IS 'Sector id, or general for items without a sector';
COMMENT ON COLUMN sector_week.value IS 'Public value id (finer taxonomy nodes rolled up to their value)';
COMMENT ON COLUMN sector_week.week IS 'ISO week, e.g. 2026-W47';
COMMENT ON COLUMN sector_week.week_start IS 'Monday of the ISO week';
COMMENT ON COLUMN sector_week.stories IS 'Distinct stories (clusters) with this sector and value';
COMMENT ON COLUMN sector_week.documents IS 'Documents with this sector and value';
COMMENT ON COLUMN sector_week.sources IS 'Distinct sources of those documents';
COMMENT ON COLUMN sector_week.week_stories IS 'All relevant AI stories that week (week_totals.stories)';
COMMENT ON COLUMN sector_week.share IS 'stories / week_stories';

CREATE TABLE emerging (
    sector           VARCHAR NOT NULL,
    value            VARCHAR NOT NULL,
    week             VARCHAR NOT NULL,
    week_start       DATE NOT NULL,
    stories          INTEGER NOT NULL,
    documents        INTEGER NOT NULL,
    sources          INTEGER NOT NULL,
    week_stories     INTEGER NOT NULL,
    share            DOUBLE,
    baseline         DOUBLE NOT NULL,
    baseline_stories INTEGER NOT NULL,
    baseline_weeks   INTEGER NOT NULL,
    baseline_share   DOUBLE NOT NULL,
    dispersion       DOUBLE NOT NULL,
    p_value          DOUBLE NOT NULL,
    score            DOUBLE NOT NULL,
    tested           BOOLEAN NOT NULL,
    status           VARCHAR NOT NULL,
    PRIMARY KEY (sector, value, week)
);
COMMENT ON TABLE emerging IS 'Every sector, value and week scored against its trailing baseline (docs/detection.md); refreshed by gaimon detect';
COMMENT ON COLUMN emerging.sector IS 'Sector id, or general';
COMMENT ON COLUMN emerging.value IS 'Public value id';
COMMENT ON COLUMN emerging.week IS 'ISO week';
COMMENT ON COLUMN emerging.week_start IS 'Monday of the ISO week';
COMMENT ON COLUMN emerging.stories IS 'Distinct stories with this sector and value that week (0 when none)';
COMMENT ON COLUMN emerging.documents IS 'Documents with this sector and value that week';
COMMENT ON COLUMN emerging.sources IS 'Distinct sources of those documents';
COMMENT ON COLUMN emerging.week_stories IS 'All relevant AI stories that week';
COMMENT ON COLUMN emerging.share IS 'stories / week_stories; NULL in a week without AI news';
COMMENT ON COLUMN emerging.baseline IS 'Expected stories: week_stories times baseline_share';
COMMENT ON COLUMN emerging.baseline_stories IS 'Stories with this sector and value in the baseline weeks';
COMMENT ON COLUMN emerging.baseline_weeks IS 'Weeks of history in the baseline window (the test needs the full window)';
COMMENT ON COLUMN emerging.baseline_share IS 'Smoothed share of the baseline weeks: (baseline_stories + 0.5) / (their week_stories + 1)';
COMMENT ON COLUMN emerging.dispersion IS 'Overdispersion of the baseline weeks (Pearson chi-square per degree of freedom, at least 1)';
COMMENT ON COLUMN emerging.p_value IS 'Negative-binomial tail probability of a count this far from the baseline, on the side it lies';
COMMENT ON COLUMN emerging.score IS 'Signed surprise: -log10(p_value) above the baseline, log10(p_value) below it';
COMMENT ON COLUMN emerging.tested IS 'True when the week had a full baseline window and AI news to test against';
COMMENT ON COLUMN emerging.status IS 'new (alert, none in the baseline), rising (alert), falling (significantly below), steady';

ALTER TABLE alerts ADD COLUMN sources INTEGER;
ALTER TABLE alerts ADD COLUMN week_stories INTEGER;
ALTER TABLE alerts ADD COLUMN p_value DOUBLE;
ALTER TABLE alerts ADD COLUMN method VARCHAR;
ALTER TABLE alerts ADD COLUMN run_id VARCHAR;
COMMENT ON COLUMN alerts.baseline IS 'Expected stories: the week''s AI stories times the smoothed share of the trailing weeks';
COMMENT ON COLUMN alerts.score IS 'Surprise: -log10 of the negative-binomial tail probability (see docs/detection.md)';
COMMENT ON COLUMN alerts.sources IS 'Distinct sources carrying the stories';
COMMENT ON COLUMN alerts.week_stories IS 'All relevant AI stories that week';
COMMENT ON COLUMN alerts.p_value IS 'Tail probability of at least this many stories under the baseline';
COMMENT ON COLUMN alerts.method IS 'Test and parameters that raised the alert';
COMMENT ON COLUMN alerts.run_id IS 'Run of gaimon detect that wrote it (runs.run_id); NULL outside a recorded run';

CREATE TABLE term_alerts (
    week                  VARCHAR NOT NULL,
    value                 VARCHAR NOT NULL,
    term                  VARCHAR NOT NULL,
    stories               INTEGER NOT NULL,
    sources               INTEGER NOT NULL,
    term_stories          INTEGER NOT NULL,
    term_baseline_stories INTEGER NOT NULL,
    sectors               VARCHAR[] NOT NULL,
    doc_ids               VARCHAR[] NOT NULL,
    detected_at           TIMESTAMP NOT NULL,
    run_id                VARCHAR,
    PRIMARY KEY (week, value, term)
);
COMMENT ON TABLE term_alerts IS 'Terms that suddenly co-occur with a public value: in several stories this week, in none of the baseline weeks';
COMMENT ON COLUMN term_alerts.week IS 'ISO week';
COMMENT ON COLUMN term_alerts.value IS 'Public value id';
COMMENT ON COLUMN term_alerts.term IS 'Lower-case word from the titles, or an evidence phrase, of the stories carrying the value';
COMMENT ON COLUMN term_alerts.stories IS 'Stories that week carrying both the value and the term';
COMMENT ON COLUMN term_alerts.sources IS 'Distinct sources of those stories';
COMMENT ON COLUMN term_alerts.term_stories IS 'Relevant stories that week with the term, whatever their value';
COMMENT ON COLUMN term_alerts.term_baseline_stories IS 'Relevant stories with the term in the baseline weeks, whatever their value (0 = a new word altogether)';
COMMENT ON COLUMN term_alerts.sectors IS 'Sectors of those stories (general for none)';
COMMENT ON COLUMN term_alerts.doc_ids IS 'Documents that carry the value and the term';
COMMENT ON COLUMN term_alerts.detected_at IS 'When detection wrote it (UTC)';
COMMENT ON COLUMN term_alerts.run_id IS 'Run of gaimon detect that wrote it (runs.run_id)';

CREATE TABLE detections (
    detected_at  TIMESTAMP NOT NULL,
    run_id       VARCHAR,
    params       JSON NOT NULL,
    weeks        INTEGER NOT NULL,
    alerts       INTEGER NOT NULL,
    term_alerts  INTEGER NOT NULL,
    seconds      DOUBLE NOT NULL
);
COMMENT ON TABLE detections IS 'One row per gaimon detect: when the aggregates behind v_sector_week and v_emerging were last refreshed, and how';
COMMENT ON COLUMN detections.detected_at IS 'When detection finished (UTC)';
COMMENT ON COLUMN detections.run_id IS 'Run it belonged to (runs.run_id), if any';
COMMENT ON COLUMN detections.params IS 'Detection parameters used (docs/detection.md)';
COMMENT ON COLUMN detections.weeks IS 'ISO weeks in the refreshed aggregates';
COMMENT ON COLUMN detections.alerts IS 'Alerts written';
COMMENT ON COLUMN detections.term_alerts IS 'Term alerts written';
COMMENT ON COLUMN detections.seconds IS 'Wall time of the refresh';
