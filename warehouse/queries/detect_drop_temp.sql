-- The refresh's working tables.
DROP TABLE value_facts; DROP TABLE stopwords; DROP TABLE term_weeks; DROP TABLE found_terms
