-- The store's working tables (create_classified.sql, create_new_signals.sql), once used.
DROP TABLE classified; DROP TABLE new_signals;
