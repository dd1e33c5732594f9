-- The assignment is applied: its temporary table goes.
DROP TABLE cluster_assignment;
