"""Operations: the steps a run is made of, run records, locks, schedules, analysts' snapshot."""
