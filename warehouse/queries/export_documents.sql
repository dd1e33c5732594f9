-- Documents split by the year and month they were published (Hive-style folders), so readers
-- of a few months need not open the rest. The partition columns are listed in
-- gaimon/ops/export.py too, for the manifest.
COPY (
    SELECT *, year(published_at) AS year, month(published_at) AS month
    FROM documents
) TO $path (FORMAT parquet, PARTITION_BY (year, month), COMPRESSION zstd);
