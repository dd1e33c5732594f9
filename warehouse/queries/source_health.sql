-- Source health as the operator sees it (see warehouse/views/v_source_health.sql).
SELECT * FROM v_source_health;
