-- Rows in the two tables a run fills, for its summary line.
SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM signals) AS signals
