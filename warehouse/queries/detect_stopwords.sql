-- Words never reported as emerging terms (taxonomy/stopwords), for detect_terms.
CREATE OR REPLACE TEMP TABLE stopwords AS SELECT unnest($words) AS word
