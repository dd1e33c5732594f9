"""Crawl settings: polite by default, every number with its reason."""

BOT_NAME = "gaimon"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

# An honest name and a way to reach the operators.
USER_AGENT = "gaimon/0.1 (+https://github.com/gaimon-monitor/gaimon; societal-risk monitor of generative AI)"

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
RETRY_TIMES = 2
# A feed larger than this is not a feed.
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024

ITEM_PIPELINES = {"spiders.pipelines.StagingPipeline": 500}

REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# Stats go to a JSON file the parent process reads (see gaimon.crawl).
EXTENSIONS = {"spiders.extensions.StatsDump": 500}
STATS_DUMP_FILE = None
