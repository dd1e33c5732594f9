"""Operations: the steps a run is made of, run records, source health, locks, schedules and the analysts' snapshot."""
