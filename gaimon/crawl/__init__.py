"""Crawl: run the Scrapy spiders per source and stage what they fetch as JSONL (staging.py is the item contract)."""
