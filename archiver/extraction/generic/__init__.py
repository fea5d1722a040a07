"""The generic extractor's parts, used by ``archiver.sites.generic.GenericSite``.

- ``jsonld``: the article node of the page's JSON-LD, broken JSON tolerated.
- ``metadata``: the page's meta tags.
- ``page_text``: the page's text as lines, before and after an element.
- ``title``: the headline that matches ``<title>``, the heading above the body.
- ``language``: the declared language, checked against the page's script.
- ``byline``: 作者 / 记者 / 来源 / 出处 / 编辑 as Chinese pages print them.
- ``credits``: authors, editor and source, from JSON-LD, byline and metas.
- ``dates_found``: the publication and modification dates.
- ``tags``: tag links near the body, keywords.
- ``lead_image``: the body's first content image, else the declared one.
- ``fields``: site name, canonical URL, description.
- ``body``: the body block by text density; ``prune``: its pruning.
- ``listing``: article-looking URLs, listing links and next pages.
"""
