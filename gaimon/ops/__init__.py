"""Operations: the steps a run is made of, run records, locks, schedules and the analysts' snapshot."""
