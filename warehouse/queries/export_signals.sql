-- Signals split by dimension and the year of their week (Hive-style folders). The partition
-- columns are listed in gaimon/ops/export.py too, for the manifest.
COPY (
    SELECT *, coalesce(left(week, 4), 'undated') AS year
    FROM signals
) TO $path (FORMAT parquet, PARTITION_BY (dimension, year), COMPRESSION zstd);
