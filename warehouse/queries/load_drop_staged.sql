-- The load's working table (queries/create_staged.sql), once its rows are upserted.
DROP TABLE staged;
