"""The Scrapy add-on that shares a crawl when ``ARCHIVER_REDIS`` is set.

``archiver.settings`` lists it in ``ADDONS``; without ``ARCHIVER_REDIS`` it
changes nothing (and imports neither redis nor scrapy-redis). With it: the
shared scheduler, the crawler's member of the crawl (an extension) and, in
the archiving process, the pipeline that records what workers hand back.
Any entry point gets them: ``archiver tag ... --redis URL``, ``archiver.crawl(
..., redis=URL)`` or ``scrapy crawl tag -s ARCHIVER_REDIS=URL``.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SharedCrawlAddon"]


class SharedCrawlAddon:
    def update_settings(self, settings: Any) -> None:
        if not settings.get("ARCHIVER_REDIS"):
            return
        try:
            from archiver.distributed.handoff import ReplayPipeline
            from archiver.distributed.member import Member
            from archiver.distributed.scheduler import SharedScheduler
        except ImportError as exc:  # the redis extra is not installed
            from archiver.distributed.errors import RedisUnavailable

            raise RedisUnavailable(
                f"--redis needs the redis extra: pip install 'hexo-news-archiver[redis]' ({exc})"
            ) from exc
        settings.set("SCHEDULER", SharedScheduler, "addon")
        settings.set_in_component_priority_dict("EXTENSIONS", Member, 50)
        if settings.get("ARCHIVER_REDIS_ROLE", "archive") != "worker":
            settings.set_in_component_priority_dict("ITEM_PIPELINES", ReplayPipeline, 10)
