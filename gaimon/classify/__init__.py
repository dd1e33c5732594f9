"""Classify: label documents against the taxonomy (lexicon + trained text model) and store them as signals."""
