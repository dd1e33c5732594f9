"""The staging pipeline writes each item as a validated StagedItem, one JSON line, that the
loader reads back; an item the model refuses is an error of the crawl, named by source and URL."""

from __future__ import annotations

import json
import logging
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from gaimon.crawl.source_state import SourceState
from gaimon.crawl.staging import StagedItem, read_staged, staged_path
from spiders.items import FetchedItem
from spiders.pipelines import StagingPipeline

DAY = "2026-11-28"


class Spider:
    """What the pipeline asks of a spider: its source, state, time window and error log."""

    def __init__(self, home):
        self.source = SimpleNamespace(name="dagblad", lang="nl", options={})
        self.state = SourceState.load(home, "dagblad")
        self.since = None
        self.logger = logging.getLogger("test_staging")
        self.errors: list[tuple[str, str]] = []

    def record_error(self, url: str, message: str) -> None:
        self.errors.append((url, message))


@pytest.fixture
def pipeline(home):
    crawler = get_crawler()
    crawler.spider = Spider(home)
    running = StagingPipeline(crawler, home.staging, DAY)
    running.open_spider()
    yield running
    running.close_spider()


def test_an_item_is_staged_as_one_line_the_loader_reads_back(pipeline, home):
    pipeline.process_item(
        FetchedItem(
            url="https://news.example/a?utm_source=x",
            title="Kabinet <b>presenteert</b> visie",
            text="<p>Tekst over AI.</p>",
            published="Tue, 17 Nov 2026 10:30:00 CET",
            extra={"when": "x"},
        )
    )
    pipeline.handle.flush()
    path = staged_path(home.staging, DAY, "dagblad")
    line = json.loads(path.read_text(encoding="utf-8"))
    assert list(line) == list(StagedItem.model_fields)
    assert line["published"] == "2026-11-17T09:30:00Z"
    assert line["fetched_at"].endswith("Z")
    assert line["title"] == "Kabinet presenteert visie"
    assert line["canonical_url"] == "https://news.example/a"
    [read] = list(read_staged(path))
    assert isinstance(read, StagedItem) and read.title == line["title"]


def test_an_item_the_model_refuses_is_a_crawl_error_naming_source_and_url(pipeline, home):
    spider = pipeline.crawler.spider
    with pytest.raises(DropItem, match="dagblad: invalid item at https://news.example/b"):
        pipeline.process_item(FetchedItem(url="https://news.example/b", title="Titel", kind=7))
    [(url, message)] = spider.errors
    assert url == "https://news.example/b"
    assert message.startswith("item not staged: kind: ")
    assert pipeline.crawler.stats.get_value("gaimon/dropped/invalid") == 1
    pipeline.handle.flush()
    assert staged_path(home.staging, DAY, "dagblad").read_text(encoding="utf-8") == ""
