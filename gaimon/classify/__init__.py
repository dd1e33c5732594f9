"""Classify: label documents against the taxonomy (lexicon + trained text model), store signals."""
