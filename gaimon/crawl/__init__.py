"""Crawl: run the Scrapy spiders per source and stage what they fetch as JSONL.

staging.py holds the contract of a staged item.
"""
