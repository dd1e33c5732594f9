-- One table, whole, to one Parquet file.
COPY (SELECT * FROM query_table($table)) TO $path (FORMAT parquet, COMPRESSION zstd);
