-- The derivation's working tables go; the number of procedures stays.
DROP TABLE procedure_steps; DROP TABLE procedure_refs; DROP TABLE doc_identifiers;
