-- The term alerts of this refresh, kept for detect_replace_terms and the run's counts.
CREATE OR REPLACE TEMP TABLE found_terms AS
