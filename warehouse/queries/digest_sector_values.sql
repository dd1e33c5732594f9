-- Stories per sector and value in the digest's week, with the strongest alert status.
SELECT s.sector, s.value, s.stories, s.sources, s.share,
       coalesce(a.status, 'steady') AS status, a.baseline, a.score
FROM v_sector_week s
LEFT JOIN alerts a USING (week, sector, value)
WHERE s.week = $week
ORDER BY s.sector, s.stories DESC, s.value;
