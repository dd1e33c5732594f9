-- Staged files already loaded, with their size at the time.
SELECT path, bytes FROM staged_loads;
