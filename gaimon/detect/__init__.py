"""Detect: per-sector trends, emerging risks and legislative procedures, refreshed from the signals."""
