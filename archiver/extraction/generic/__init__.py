"""The generic extractor's parts, used by ``archiver.sites.generic.GenericSite``.

- ``jsonld``: the article node of the page's JSON-LD, broken JSON tolerated.
- ``metadata``: meta tags, the page's text lines, the headline, the language.
- ``byline``: 作者 / 记者 / 来源 / 出处 / 编辑 as Chinese pages print them.
- ``fields``: the cascade for dates, tags, site name, canonical URL, images.
- ``body``: the body block by text density, and its pruning.
- ``listing``: article-looking URLs, listing links and next pages.
"""
