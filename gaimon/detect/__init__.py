"""Detect: per-sector trends, emerging risks and legislative procedures, from the signals."""
