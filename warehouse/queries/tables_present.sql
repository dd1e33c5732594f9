-- How many of the tables named in $1 (a list) exist.
SELECT count(DISTINCT table_name) AS present FROM duckdb_tables() WHERE list_contains(?, table_name);
