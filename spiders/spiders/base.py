"""What every registry-driven spider shares: reading its entry from the registry."""

from __future__ import annotations

import scrapy

from gaimon.registry import Source, load_registry


class RegistrySpider(scrapy.Spider):
    """A spider for one source kind; `-a source=NAME [-a registry=FILE]` picks the entry."""

    kind: str = ""

    def __init__(self, source: str | None = None, registry: str | None = None, **kwargs):
        super().__init__(**kwargs)
        if not source:
            raise ValueError(f"spider {self.name}: pass -a source=NAME")
        entry: Source = load_registry(registry).get(source)
        if entry.kind != self.kind:
            raise ValueError(f"source {source} is of kind {entry.kind}, not {self.kind}")
        self.source = entry

    def failed(self, failure):
        """A request that could not be fetched: logged with source and URL, counted in stats."""
        url = getattr(failure.request, "url", "?")
        self.logger.error("source %s: cannot fetch %s: %s", self.source.name, url, failure.getErrorMessage())
        self.crawler.stats.inc_value("gaimon/errors")
