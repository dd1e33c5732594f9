-- Remember that a staged file was loaded, up to the given size.
INSERT OR REPLACE INTO staged_loads (path, source, bytes, run_id, loaded_at)
VALUES ($path, $source, $bytes, $run_id, $loaded_at);
