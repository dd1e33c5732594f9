-- What the analysts' snapshot says of itself (warehouse/queries/snapshot_stamp.sql).
SELECT published_at, published_by, run_id, warehouse FROM snapshot_info;
