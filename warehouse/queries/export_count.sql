-- Rows of one table, for the export's manifest.
SELECT count(*) AS n
FROM query_table($table);
