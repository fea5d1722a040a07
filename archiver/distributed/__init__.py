"""One crawl shared by many processes through Redis (``--redis``, ``archiver worker``).

Built on scrapy-redis (its scheduler, priority queue and dupefilter) and
redis-py, with our own parts where it falls short:

- ``queue``: a pop is a lease, renewed by its holder and returned to the
  queue when it expires (a worker killed with SIGKILL loses nothing);
- ``chains``: what became of each leased request (its pages 2..n, its
  article, its failure) without changing the spider;
- ``handoff``: workers hand outcomes back through Redis; the archiving
  process writes them through its own item pipelines and deletes them only
  then (a reliable queue: ``results`` -> ``processing``, recovered on start);
- ``member``: each crawler's part, by role; the crawl ends when drained,
  and every process leaves by itself;
- ``coordinator``: which crawl a database serves, its sources, its end
  (every key deleted, each with a TTL as a backstop);
- ``worker``: the ``archiver worker`` process.

Only the archiving process opens the archive: it seeds and walks the
listings (whose stop rules need the ledger), and it writes every post.
Workers fetch and extract articles: the bulk of the work.
"""

from __future__ import annotations

__all__: list[str] = []
