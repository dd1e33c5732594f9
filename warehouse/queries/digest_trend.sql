-- Stories per sector, public value and ISO week over the digest's trailing window, with the
-- baseline and status that v_emerging gives each week.
SELECT sector, value, week, stories, sources, baseline, score, status
FROM v_emerging
WHERE week BETWEEN $first AND $week
ORDER BY sector, value, week;
