"""The generic extractor's parts, used by ``archiver.sites.generic.GenericSite``.

- ``jsonld``: the article node of the page's JSON-LD (``@graph`` and ``@id``
  references resolved), broken JSON tolerated.
- ``metadata``: the page's meta tags.
- ``page_text``: the page's text as lines, before and after an element.
- ``title``: the heading that matches ``<title>`` (h1 first), the ``<title>``
  without the site's name, the heading above the body.
- ``language``: the declared language, checked against the page's script.
- ``authors``: byline markup (rel=author, itemprop=author, .byline...) and
  printed bylines (By, Von, Par...); the site's name is no author.
- ``byline``: 作者 / 记者 / 来源 / 出处 / 编辑 as Chinese pages print them.
- ``credits``: authors, editor and source, from JSON-LD, bylines and metas.
- ``dates_found``: the publication and modification dates; ``page_dates``:
  the URL's date and htmldate's search of the markup.
- ``tags``: tag links near the body, keywords.
- ``lead_image``: the body's first content image, else the declared one.
- ``fields``: site name, canonical URL, description.
- ``body``: the body block by text density; ``regions``: a candidate
  judged by where it sits (aside, nav, footer, caption; before or far below
  the headline); ``names``: what class and id names say; ``containers``:
  the marked-up body, widened over a long article's sections; ``around``:
  the lead printed between the headline and the body, and sibling blocks of
  the body's kind continuing it; ``prune``: its pruning; ``appeals``: calls
  to action, notices, teasers and author bios; ``boilerplate``: headings
  that introduce nothing, credit and taxonomy lines, judged in the pruned
  text.
- ``verdict``: what is not an article (listings, empty and binary pages).
- ``listing``: article-looking URLs, listing links and next pages.
"""
