-- Term alerts of the tested weeks are replaced; older weeks keep theirs.
DELETE FROM term_alerts WHERE week IN (SELECT week FROM term_weeks);
INSERT INTO term_alerts SELECT * FROM found_terms;
