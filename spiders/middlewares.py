"""Downloader middlewares: conditional requests remembered per URL, and Retry-After honoured."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later, sleep
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

logger = logging.getLogger(__name__)


def _is_robots(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"


class WaitingRobotsTxtMiddleware(RobotsTxtMiddleware):
    """robots.txt for every request, also those that arrive while it is being fetched.

    Scrapy's middleware hands requests that waited for the first robots.txt download a parser
    of None, which lets them through unchecked; here they get the parser that was just built.
    """

    async def robot_parser(self, request: Request):
        parser = await super().robot_parser(request)
        if parser is None:
            current = self._parsers.get(urlparse_cached(request).netloc)
            if current is not None and not isinstance(current, Deferred):
                return current
        return parser


class ConditionalRequestMiddleware:
    """Adds If-None-Match / If-Modified-Since to feed and API requests (meta `conditional`) and
    to robots.txt, from what the source's state remembers.

    The spider stores a feed's validators only after it parsed the feed, so a feed that failed
    half-way is fetched whole next time. robots.txt is cached with its body: a 304 is turned
    back into the cached file so the robots parser always has rules to read.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _state(self):
        return getattr(self.crawler.spider, "state", None)

    def process_request(self, request: Request):
        state = self._state()
        if state is None:
            return None
        if _is_robots(request):
            cached = state.robots.get(request.url, {})
            headers = {
                "If-None-Match": cached.get("etag"),
                "If-Modified-Since": cached.get("last_modified"),
            }
        elif request.meta.get("conditional"):
            headers = state.conditional_headers(request.url)
        else:
            return None
        for name, value in headers.items():
            if value and name not in request.headers:
                request.headers[name] = value
        return None

    def process_response(self, request: Request, response: Response):
        state = self._state()
        if state is None or not _is_robots(request):
            return response
        cached = state.robots.get(request.url)
        if response.status == 304 and cached is not None:
            self.crawler.stats.inc_value("gaimon/robots_not_modified")
            return response.replace(status=200, body=cached.get("body", "").encode("utf-8"))
        if response.status == 200:
            entry = {
                "body": response.body[:500_000].decode("utf-8", errors="replace"),
                "etag": _header(response, b"ETag"),
                "last_modified": _header(response, b"Last-Modified"),
            }
            if entry["etag"] or entry["last_modified"]:
                state.robots[request.url] = entry
                state.dirty = True
        return response


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After is either a number of seconds or an HTTP date (RFC 9110 section 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """On 429 or 503 with Retry-After, wait as asked (up to RETRY_AFTER_MAX seconds), slow the
    whole site down by as much, then try again; without the header, or when the wait is too
    long, the response goes on to the ordinary retry and error handling."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.max_wait = crawler.settings.getfloat("RETRY_AFTER_MAX", 120.0)
        self.max_times = crawler.settings.getint("RETRY_TIMES", 2)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_response(self, request: Request, response: Response):
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(_header(response, b"Retry-After"))
        tries = request.meta.get("retry_after_times", 0)
        spider = self.crawler.spider
        name = getattr(getattr(spider, "source", None), "name", "?")
        if wait is None or tries >= self.max_times:
            return response
        if wait > self.max_wait:
            logger.error(
                "source %s: %s answered %s with Retry-After %.0fs, longer than the %.0fs we wait",
                name,
                request.url,
                response.status,
                wait,
                self.max_wait,
            )
            return response
        logger.warning(
            "source %s: %s answered %s; waiting %.1fs as Retry-After asks",
            name,
            request.url,
            response.status,
            wait,
        )
        self.crawler.stats.inc_value("gaimon/retry_after")
        self._slow_down(request, wait)
        await sleep(wait)
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        return retry

    def _slow_down(self, request: Request, wait: float) -> None:
        """For as long as the server asked, space all requests to it by that much."""
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or urlparse_cached(request).hostname or ""
        slot = downloader.slots.get(key)
        if slot is None or slot.delay >= wait:
            return
        before = slot.delay
        slot.delay = wait

        def restore() -> None:
            if slot.delay == wait:  # unless AutoThrottle has set its own since
                slot.delay = before

        call_later(wait, restore)


class SkipNoneStartMiddleware:
    """Spiders yield None for a request they chose not to make (a URL already asked for);
    start output goes straight to the engine, which would take None for an item."""

    async def process_start(self, start):
        async for entry in start:
            if entry is not None:
                yield entry

    async def process_spider_output(self, response, result):
        async for entry in result:
            if entry is not None:
                yield entry
