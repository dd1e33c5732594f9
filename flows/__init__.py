"""Prefect flows: thin shells around gaimon's stages."""
