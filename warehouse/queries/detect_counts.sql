-- What one refresh produced: weeks with totals, value alerts, term alerts.
SELECT (SELECT count(*) FROM week_totals) AS weeks,
       (SELECT count(*) FROM alerts) AS alerts,
       (SELECT count(*) FROM found_terms) AS term_alerts
