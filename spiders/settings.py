"""Crawl settings: polite by default, every number with its reason."""

BOT_NAME = "gaimon"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

# An honest name and a way to reach the operators.
USER_AGENT = (
    "gaimon/0.1 (+https://github.com/gaimon-monitor/gaimon; societal-risk monitor of generative AI)"
)

ROBOTSTXT_OBEY = True

# Two requests at a time per site is the ceiling; AutoThrottle usually keeps us below it.
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
# Aim for one request in flight per site on average.
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Sources are slow government servers as often as fast CDNs.
DOWNLOAD_TIMEOUT = 30
# Two more tries for timeouts, resets and 5xx; a third failure is the source's problem.
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
# Longest Retry-After we honour; a server asking for more is reported as failing today.
RETRY_AFTER_MAX = 120
# A feed or page larger than this is not a feed or page (a per-source `max_bytes` overrides).
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
# Browsers stop at 20 redirects; a feed needing more than 5 is broken or looping.
REDIRECT_MAX_TIMES = 5
# A body shorter than its Content-Length is an error, not a truncated success.
DOWNLOAD_FAIL_ON_DATALOSS = True
COOKIES_ENABLED = False
# No listening consoles in a batch crawler.
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False

ITEM_PIPELINES = {"spiders.pipelines.StagingPipeline": 500}
SPIDER_MIDDLEWARES = {"spiders.middlewares.SkipNoneStartMiddleware": 10}
DOWNLOADER_MIDDLEWARES = {
    # Requests that wait for robots.txt are checked against it too (see the class).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.WaitingRobotsTxtMiddleware": 100,
    # After robots.txt (100) and the user agent (500): adds validators, serves cached robots.
    "spiders.middlewares.ConditionalRequestMiddleware": 520,
    # Sees 429/503 before RetryMiddleware (550) does, on the way back.
    "spiders.middlewares.RetryAfterMiddleware": 560,
}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Stats go to a JSON file the parent process reads (see gaimon.crawl.run).
EXTENSIONS = {"spiders.extensions.StatsDump": 500}
STATS_DUMP_FILE = None

# Our own server on 127.0.0.1 (demo corpus, tests) needs no politeness delay; the
# per-domain concurrency ceiling still holds. gaimon.crawl.run applies these for loopback sources.
LOOPBACK_SETTINGS = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
}
