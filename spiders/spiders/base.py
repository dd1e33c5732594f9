"""What every registry-driven spider shares: its registry entry, its remembered state, polite
conditional requests, and errors that name the source and the URL."""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionLost,
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
)
from twisted.internet.error import TimeoutError as TwistedTimeout
from twisted.web._newclient import ResponseFailed, ResponseNeverReceived

from gaimon.crawl.normalize import canonical_url, detect_language, to_utc
from gaimon.crawl.source_state import SourceState
from gaimon.home import get_home
from gaimon.registry import Source, load_registry
from spiders.consent import consent_wall
from spiders.content import ContentError, header_charset
from spiders.extract import extract_article
from spiders.items import FetchedItem


def guarded(callback: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """A parse callback whose failure is logged with source and URL and counted, while what it
    yielded before failing goes on to be staged."""

    @functools.wraps(callback)
    def wrapper(self: RegistrySpider, response, *args, **kwargs):
        try:
            yield from callback(self, response, *args, **kwargs)
        except ContentError as exc:
            self.record_error(response.url, str(exc))
        except Exception as exc:  # noqa: BLE001 - any parser bug must not stop the source
            self.record_error(response.url, f"cannot parse ({type(exc).__name__}): {exc}")

    return wrapper


class RegistrySpider(scrapy.Spider):
    """A spider for one source kind; `-a source=NAME [-a registry=FILE] [-a since=ISO]`."""

    kind: str = ""

    def __init__(
        self,
        source: str | None = None,
        registry: str | None = None,
        since: str | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not source:
            raise ValueError(f"spider {self.name}: pass -a source=NAME")
        entry: Source = load_registry(registry).get(source)
        if entry.kind != self.kind:
            raise ValueError(f"source {source} is of kind {entry.kind}, not {self.kind}")
        self.source = entry
        self.options = entry.options
        floors = [d for d in (to_utc(since), to_utc(self.options.get("since"))) if d]
        self.since: datetime | None = max(floors) if floors else None
        self.state: SourceState | None = None
        self.requested: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        home = get_home(crawler.settings.get("GAIMON_HOME"))
        spider.state = SourceState.load(home, spider.source.name)
        if spider.options.get("max_bytes"):
            spider.max_bytes = int(spider.options["max_bytes"])
        # In the background: a crawl that finds nothing changed exits without waiting for it.
        threading.Thread(target=spider.warm_up, name="warm-up", daemon=True).start()
        return spider

    def warm_up(self) -> None:
        """Load the extractors (and the language models, if the source names no language)
        early: loading them at the first article would stall every download in flight."""
        import pypdf  # noqa: F401 - its import alone takes a noticeable moment

        extract_article(
            b"<html><body><article><p>warm</p></article></body></html>",
            "http://localhost/",
            "text/html",
        )
        if not self.source.lang:
            detect_language("Dit is een korte zin om de taalherkenning op te warmen.")

    def closed(self, reason: str) -> None:
        if self.state is None:
            return
        if reason == "finished":
            # Only now has every item the endpoints listed been staged. Validators saved
            # earlier would let a crawl killed half-way be answered 304 next time, and the
            # items it had not reached yet would never be fetched.
            self.state.commit_validators()
        self.state.save()

    # Requests ----------------------------------------------------------------------------
    def endpoint(self, url: str, callback, **kwargs) -> scrapy.Request | None:
        """A feed, sitemap or API page: asked conditionally, 304 handed to the callback."""
        meta = {"conditional": True, "handle_httpstatus_list": [304], **kwargs.pop("meta", {})}
        return self._request(url, callback, meta=meta, **kwargs)

    def known(self, url: str) -> bool:
        """Was this item staged before? Then its page is not fetched again (and counted)."""
        if self.state.is_known(canonical_url(url)):
            self.crawler.stats.inc_value("gaimon/known_skipped")
            return True
        return False

    def page(self, url: str, callback, **kwargs) -> scrapy.Request | None:
        """An article or document page; None when it was staged before (not fetched again)."""
        return None if self.known(url) else self._request(url, callback, **kwargs)

    def _request(self, url: str, callback, **kwargs) -> scrapy.Request | None:
        """A request, unless the same URL was asked for already in this run.

        We filter duplicates here rather than in Scrapy's dupefilter, which would also drop a
        redirect back to a URL already seen: a redirect loop must end in an error, not silence.
        """
        key = canonical_url(url)
        if key in self.requested:
            return None
        self.requested.add(key)
        meta = kwargs.pop("meta", {})
        if getattr(self, "max_bytes", None):
            meta.setdefault("download_maxsize", self.max_bytes)
        return scrapy.Request(
            url,
            callback=callback,
            errback=kwargs.pop("errback", self.failed),
            meta=meta,
            dont_filter=True,
            **kwargs,
        )

    def not_modified(self, response) -> bool:
        """True (and counted) when the server says the endpoint has not changed."""
        if response.status == 304:
            self.crawler.stats.inc_value("gaimon/not_modified")
            self.logger.info("source %s: %s not modified", self.source.name, response.url)
            return True
        return False

    def remember(self, response) -> None:
        """Keep an endpoint's validators; called once its whole body has been read, and
        saved only when the crawl finishes."""
        headers = response.headers
        etag = headers.get(b"ETag")
        modified = headers.get(b"Last-Modified")
        self.state.remember_validators(
            response.request.url if response.request else response.url,
            etag.decode("latin-1") if etag else None,
            modified.decode("latin-1") if modified else None,
        )

    def wanted(self, published: str | datetime | None) -> bool:
        """Inside the source's time window (items without a date are kept)."""
        when = to_utc(published, self.options.get("timezone")) if published else None
        return not (self.since and when and when < self.since)

    def charset(self, response) -> str | None:
        return header_charset(response.headers.get(b"Content-Type"))

    def content_type(self, response) -> str:
        return (response.headers.get(b"Content-Type") or b"").decode("latin-1")

    # Articles ----------------------------------------------------------------------------
    def deliver(self, item: FetchedItem):
        """The item itself, or with `follow: true` a request for its page (none if known)."""
        # A javascript: or data: link is never fetched; staging refuses the item.
        if not self.source.follow or not item.url.strip().lower().startswith(("http:", "https:")):
            yield item
            return
        request = self.article_request(item)
        if request is not None:
            yield request

    def article_request(self, item: FetchedItem, **kwargs) -> scrapy.Request | None:
        """Fetch an item's page for its text; if that fails the item is staged as it is."""
        return self.page(
            item.url,
            self.parse_article,
            cb_kwargs={"item": item},
            errback=self.article_failed,
            **kwargs,
        )

    @guarded
    def parse_article(self, response, item: FetchedItem):
        article = extract_article(response.body, response.url, self.content_type(response))
        wall = consent_wall(article.text, item.title)
        if wall:
            # The notice must not replace the article: the feed's own text stands, and the
            # page is asked for again next run.
            self.crawler.stats.inc_value("gaimon/consent_wall")
            self.record_error(response.url, f"{wall}; the feed's summary is kept")
            item.complete = False
            item.extra = {**item.extra, "page_refused": wall}
            yield item
            return
        if article.pdf:
            self.crawler.stats.inc_value("gaimon/pdf")
        if article.text:
            item.text = article.text
        else:
            self.record_error(response.url, "no main text found on the page")
            item.complete = False
        item.title = item.title or article.title or ""
        item.author = item.author or article.author
        if article.published and (not item.published or _date_only(item.published)):
            # The page's own timestamp is more precise than a feed's bare date.
            item.published = article.published
        if not item.lang and not self.source.lang:
            item.lang = article.lang
        yield item

    def article_failed(self, failure):
        self.failed(failure)
        item: FetchedItem | None = failure.request.cb_kwargs.get("item")
        if item is not None and item.title:
            item.complete = False
            yield item

    # Errors ------------------------------------------------------------------------------
    def failed(self, failure):
        """A request that could not be fetched: logged with source and URL, counted in stats."""
        request = getattr(failure, "request", None)
        url = getattr(request, "url", "?")
        if failure.check(IgnoreRequest) and "robots" in str(failure.value).lower():
            self.crawler.stats.inc_value("gaimon/robots_denied")
            self.logger.warning("source %s: %s is forbidden by robots.txt", self.source.name, url)
            return
        self.record_error(url, describe_failure(failure, self.crawler.settings))

    def record_error(self, url: str, message: str) -> None:
        self.logger.error("source %s: %s: %s", self.source.name, url, message)
        self.crawler.stats.inc_value("gaimon/errors")
        self.crawler.stats.set_value("gaimon/last_error", f"{url}: {message}"[:500])


def _date_only(value: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()))


def describe_failure(failure, settings) -> str:
    """A fetch failure in words an operator understands."""
    value = failure.value
    if failure.check(HttpError):
        response = value.response
        retry_after = response.headers.get(b"Retry-After")
        extra = f" (Retry-After: {retry_after.decode('latin-1')})" if retry_after else ""
        return f"HTTP {response.status}{extra}"
    if failure.check(DownloadTimeoutError, TwistedTimeout, TCPTimedOutError):
        return f"timed out after {settings.getfloat('DOWNLOAD_TIMEOUT'):g}s"
    if failure.check(ResponseDataLossError):
        return "truncated response: the connection closed before the announced length"
    if failure.check(DownloadCancelledError):
        return f"response over the size cap: {value}"
    if failure.check(IgnoreRequest) and "redirect" in str(value).lower():
        return f"redirect loop (more than {settings.getint('REDIRECT_MAX_TIMES')} redirects)"
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "host name not found"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection refused"
    text = str(value)
    if "size" in text.lower() and (
        "maxsize" in text.lower() or "larger than" in text.lower() or "max size" in text.lower()
    ):
        return f"response over the size cap: {text}"
    if failure.check(DownloadFailedError, ResponseFailed, ResponseNeverReceived, ConnectionLost):
        reasons = getattr(value, "reasons", None) or []
        detail = "; ".join(str(getattr(r, "value", r)) for r in reasons) or text
        if "dataloss" in detail.lower() or "PotentialDataLoss" in detail:
            return f"truncated response (connection closed early): {detail}"
        return f"connection lost or reset: {detail}"
    return re.sub(r"\s+", " ", f"{type(value).__name__}: {text}")[:300]
