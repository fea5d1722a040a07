"""Benchmarks: a generated mydrivers-like site, its server, a bare Scrapy spider, the runner.

``python -m bench.run`` measures everything in one run; see BENCHMARKS.md.
"""
