"""Scrapy project: one spider per source kind, driven by the source registry."""
