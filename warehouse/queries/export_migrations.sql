-- The migrations the exported warehouse had, for the export's manifest.
SELECT name
FROM schema_migrations
ORDER BY name;
