-- The tables of the warehouse (not temporary ones), to export those that are present.
SELECT table_name
FROM duckdb_tables()
WHERE schema_name = 'main' AND NOT temporary;
