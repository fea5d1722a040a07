"""Scrapy settings of the project: the one home of every default.

``ARCHIVER_*`` settings are ours; every one can be changed with ``-s`` on
the command line, as ``scrapy crawl`` takes it.
"""

from __future__ import annotations

from archiver import __version__

BOT_NAME = "archiver"
SPIDER_MODULES = ["archiver.spiders"]
NEWSPIDER_MODULE = "archiver.spiders"

# Polite by default: robots.txt obeyed, a User-Agent that names us, a delay per site.
ROBOTSTXT_OBEY = True
USER_AGENT = (
    f"hexo-news-archiver/{__version__}"
    " (+https://pypi.org/project/hexo-news-archiver/; news archiving bot)"
)
DOWNLOAD_DELAY = 1.0
CONCURRENT_ITEMS = 1  # our callbacks yield one item at most; more only spawns idle tasks
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
LOG_LEVEL = "INFO"
# Scrapy reads the source of every generator callback to warn about `return x`;
# with bound methods its cache misses, and the parse cost 7% of the crawl's CPU.
WARN_ON_GENERATOR_RETURN_VALUE = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
HTTPERROR_ALLOW_ALL = False

DOWNLOADER_MIDDLEWARES = {
    # Redirects and meta refreshes stay on the site; robots.txt that cannot be
    # read means "disallow"; Retry-After is honoured (archiver.middlewares).
    "archiver.middlewares.SiteBoundaryMiddleware": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "archiver.middlewares.StrictRobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.middlewares.RetryAfterMiddleware": 550,
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "archiver.middlewares.HeadMetaRefreshMiddleware": 580,
    # Nearest the network: records every response as received (ARCHIVER_WARC).
    "archiver.warc.WarcMiddleware": 950,
}
ARCHIVER_RETRY_AFTER_MAX = 600
"""Longest Retry-After (seconds) waited for; past it the URL fails and a later run retries it."""

ITEM_PIPELINES = {
    "archiver.pipelines.ExtractionPipeline": 50,
    "archiver.pipelines.ValidationPipeline": 100,
    "archiver.images.ImagesPipeline": 200,  # off unless ARCHIVER_IMAGES
    "archiver.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "archiver.extensions.ReportExtension": 100,
}
ADDONS = {
    # A crawl shared through Redis when ARCHIVER_REDIS is set; nothing otherwise.
    "archiver.distributed.addon.SharedCrawlAddon": 0,
}

ARCHIVER_OUTPUT = None
"""The archive root (a Hexo site folder). Unset, the pipelines are off: nothing is written."""
ARCHIVER_SITE = None
"""Force a site module by name (for mirrors and local copies)."""
ARCHIVER_MAX_PAGES = 1000
"""Stop following a listing's pagination after this many pages (0: no limit)."""
ARCHIVER_SINCE = None
"""Stop at articles published before this date (ISO 8601)."""
ARCHIVER_REFRESH = False
"""Request articles already archived, and rewrite those that changed."""
ARCHIVER_CATEGORIES = None
"""Three categories (group, site, channel) for every post of the run, `/`-separated."""
ARCHIVER_GROUP = None
"""The first category of every post, when ARCHIVER_CATEGORIES is unset."""
ARCHIVER_SITE_NAME = None
"""The post's `author` (the site's name) for every post of the run."""
ARCHIVER_TIMEZONE = None
"""IANA zone of the site's printed times (e.g. Asia/Shanghai), over the site module's."""
ARCHIVER_FRONT_MATTER = "full"
"""`full`: posts keep every field; `classic`: the old archive's keys only."""
ARCHIVER_IMAGE_PLACEHOLDER = ""
"""headimg/thumbnail of an article without image (empty: none)."""
ARCHIVER_REPORT = None
"""Write the run report (JSON) to this file."""
ARCHIVER_PROGRESS = False
"""Show a progress line on stderr."""
ARCHIVER_FSYNC = True
"""Flush each post to disk before its rename (survives a power cut, not only a kill)."""
ARCHIVER_WORKERS = -1
"""Extraction processes: -1, the number of cores minus one (at least 1); 0, in-process."""
ARCHIVER_WORKER_TIMEOUT = 60
"""Seconds a worker may spend on one article before it is replaced and the article fails."""
ARCHIVER_MAX_RETRY_RUNS = 3
"""How many runs retry a URL that failed before giving up on it."""
ARCHIVER_IMAGES = False
"""Keep every body image and the lead image in `source/images/` (by content hash)."""
ARCHIVER_IMAGES_MAX_BYTES = 20 * 1024 * 1024
"""An image past this size is not kept: its remote URL stays, the report says why."""
ARCHIVER_WARC = False
"""Write every response and its request to `.archiver/warc/*.warc.gz`."""
ARCHIVER_WARC_MAX_BYTES = 1024**3
"""Start a new WARC file past this size."""
ARCHIVER_REDIS = None
"""Share the crawl through Redis (redis://HOST:PORT/DB); `archiver worker` processes join it."""
ARCHIVER_REDIS_LEASE = 60
"""Seconds a leased request stays leased unless its holder renews it (it does, while alive)."""
ARCHIVER_REDIS_GRACE = 30
"""Seconds an idle worker waits, once the archiving process is gone, before it leaves."""
ARCHIVER_REDIS_PREFETCH = None
"""Articles a process fetches at once from a shared crawl (None: CONCURRENT_REQUESTS_PER_DOMAIN;
0 in the archiving process: none, the workers fetch them all)."""
ARCHIVER_REDIS_STALL = 900
"""Seconds without a sign of life after which a leased request fails (retried next run)."""
ARCHIVER_REDIS_TTL = 7 * 24 * 3600
"""Backstop TTL of a shared crawl's Redis keys (deleted anyway when the crawl ends)."""
