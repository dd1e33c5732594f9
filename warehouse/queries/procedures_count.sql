SELECT count(*) AS n FROM procedures
