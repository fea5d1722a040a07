"""Turn an archive folder into a ready Hexo site: ``archiver site DIR``.

An archive holds ``source/_posts``; this adds what Hexo needs around it
(``package.json`` with pinned versions, ``_config.yml``, the theme's
settings and one site script), so that ``npm install && npx hexo server``
shows it. The pins are the ones the project's Hexo tests run with
(``hexo/package.json``; a test keeps the two equal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from archiver.post import quote_scalar

__all__ = ["HEXO_PACKAGES", "THEMES", "make_site"]

HEXO_PACKAGES: Mapping[str, str] = {
    "hexo": "7.3.0",
    "hexo-generator-archive": "2.0.0",
    "hexo-generator-category": "2.0.0",
    "hexo-generator-index": "4.0.0",
    "hexo-generator-tag": "2.0.0",
    "hexo-renderer-ejs": "2.0.0",
    "hexo-renderer-marked": "7.0.1",
    "hexo-renderer-stylus": "3.0.1",
    "hexo-server": "3.0.0",
}
"""Hexo and the plugins a starter site needs, pinned exactly."""

THEMES: Mapping[str, tuple[str, str]] = {
    "landscape": ("hexo-theme-landscape", "1.1.0"),
    # 5.8.0 is the last Volantis for Hexo 7 (6.x requires Hexo 8).
    "volantis": ("hexo-theme-volantis", "5.8.0"),
}
"""Themes installed from npm: name -> (package, version)."""

# Hexo reads a date that names its zone (our `date: ... GMT`) as the right
# instant, then shifts it by the difference between the Node process's zone
# and `timezone` (hexo/dist/plugins/processor/common.js, `timezone()`): on a
# UTC machine with `timezone: Asia/Shanghai`, 08:51 GMT becomes 00:51 GMT.
# Running Hexo in the configured zone makes that shift zero, and also reads
# the old archive's zone-less `%Y-%m-%d %H:%M:%S` dates as that zone's time.
# The referrer policy: image CDNs (mydrivers, cnBeta) refuse foreign
# referrers, and themes draw `headimg`/`thumbnail` without
# `referrerpolicy`; a page-wide policy covers them too.
# The body filter: real posts (mydrivers-2022-07-repost) hold blank lines
# followed by indented HTML, which Markdown turns into a code block.
_SITE_SCRIPT = """\
/* global hexo */
// Written by `archiver site`. Loaded by Hexo before it reads any post.
'use strict';

// Hexo shifts a post date that names its zone (`date: ... GMT`) by the
// difference between this process's zone and `timezone` in _config.yml.
// Running in the configured zone makes that difference zero.
if (hexo.config.timezone) process.env.TZ = hexo.config.timezone;

// Image CDNs refuse foreign referrers; themes draw headimg and thumbnail
// without referrerpolicy, so set it for the whole page.
hexo.extend.injector.register('head_begin', '<meta name="referrer" content="no-referrer">');

// An archived post's body is HTML in a <div>. Markdown passes an HTML block
// through only up to its first blank line; after one, an indented line
// becomes a code block that shows raw tags. Dropping whitespace-only lines
// keeps the whole body one HTML block (the file itself is not changed).
hexo.extend.filter.register('before_post_render', data => {
  if (data.source && data.source.startsWith('_posts/') && /^\\s*<div>/.test(data.content)) {
    data.content = data.content.replace(/\\n[ \\t]*(?=\\n)/g, '');
  }
  return data;
});

// An archive outlives the web: the pages load nothing from other hosts.
// Themes pull stylesheets and scripts from CDNs (landscape: its icon font);
// without them the site looks plainer and works offline, with no request
// leaving the host that serves it.
hexo.extend.filter.register('after_render:html', html =>
  html
    .replace(/<link\\b[^>]*\\bhref=["']?(?:https?:)?\\/\\/[^>]*>/gi, '')
    .replace(/<script\\b[^>]*\\bsrc=["']?(?:https?:)?\\/\\/[^>]*>\\s*<\\/script>/gi, '')
);

const escapeHTML = text => String(text).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);

// After each archived post, a link to the original article (`archiver.url`
// in its front matter).
hexo.extend.filter.register('after_post_render', data => {
  const url = data.archiver && data.archiver.url;
  if (typeof url === 'string' && /^https?:\\/\\//i.test(url)) {
    const href = escapeHTML(url);
    const link = `<a href="${href}" rel="noopener nofollow">${href}</a>`;
    data.content += `\\n<p class="archiver-source">原文：${link}</p>`;
  }
  return data;
});

// Tag names come from the archived sites. `tagcloud` (a landscape widget)
// and `list_tags` in its non-list styles print them as HTML: escape them.
for (const name of ['tagcloud', 'list_tags']) {
  const helper = hexo.extend.helper.get(name);
  if (!helper) continue;
  hexo.extend.helper.register(name, function (tags, options) {
    if (!options && (!tags || !Object.prototype.hasOwnProperty.call(tags, 'length'))) {
      options = tags;
      tags = this.site.tags;
    }
    options = Object.assign({}, options);
    if (!options.transform) options.transform = escapeHTML;
    return helper.call(this, tags, options);
  });
}
"""

_GITIGNORE = """\
node_modules/
public/
db.json
.deploy*/
"""

_CONFIG = """\
# Hexo configuration, written by `archiver site`.
# Docs: https://hexo.io/docs/configuration.html

# Site
title: {title}
subtitle: ''
description: ''
keywords:
author: ''
language: {language}
# The archive's time zone: dates are shown in it and zone-less dates are
# read in it (scripts/archiver.js runs Hexo in this zone; see there why).
timezone: {timezone}

# URL
url: {url}
permalink: :year/:month/:day/:title/
permalink_defaults:
pretty_urls:
  trailing_index: true
  trailing_html: true

# Directory
source_dir: source
public_dir: public
tag_dir: tags
archive_dir: archives
category_dir: categories
code_dir: downloads/code
i18n_dir: :lang
skip_render:

# Writing
new_post_name: :title.md
default_layout: post
titlecase: false
external_link:
  enable: true
  field: site
  exclude: ''
filename_case: 0
render_drafts: false
post_asset_folder: false
relative_link: false
future: true
syntax_highlighter: highlight.js
highlight:
  line_number: true
  auto_detect: false
  tab_replace: ''
  wrap: true
  hljs: false
prismjs:
  preprocess: true
  line_number: true
  tab_replace: ''

# Home page
index_generator:
  path: ''
  per_page: 10
  order_by: -date

# Category & Tag
default_category: uncategorized
category_map:
tag_map:

meta_generator: true

# Date / Time format (Moment.js)
date_format: YYYY-MM-DD
time_format: HH:mm:ss
# An archived post without `updated:` was not updated: show its date, not
# the file's mtime (which only says when the crawl last ran).
updated_option: 'date'

# Pagination
per_page: 10
pagination_dir: page

include:
exclude:
ignore:

# Theme: https://hexo.io/themes/
theme: {theme}
"""

# Volantis's default `debug: env` runs `hexo -v` through the shell and aborts
# the build when no global hexo-cli is installed.
_VOLANTIS_CONFIG = """\
# Volantis settings, written by `archiver site`; merged over the theme's own.
debug: false
"""


def _package_json(theme: str) -> str:
    dependencies = dict(HEXO_PACKAGES)
    if theme in THEMES:
        package, version = THEMES[theme]
        dependencies[package] = version
    document = {
        "name": "hexo-site",
        "version": "0.0.0",
        "private": True,
        "scripts": {
            "build": "hexo generate",
            "clean": "hexo clean",
            "server": "hexo server",
        },
        # hexo-cli recognises a site by this key.
        "hexo": {"version": HEXO_PACKAGES["hexo"]},
        "dependencies": dict(sorted(dependencies.items())),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _write(path: Path, text: str, *, force: bool) -> None:
    if path.exists() and not force:
        if path.read_text(encoding="utf-8") == text:
            return
        raise FileExistsError(f"{path} exists and differs; pass force=True to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="\n")


def make_site(
    root: Path,
    *,
    title: str,
    timezone: str = "Asia/Shanghai",
    theme: str = "landscape",
    language: str = "zh-CN",
    url: str = "http://localhost:4000",
    force: bool = False,
) -> None:
    """Make the archive at ``root`` a Hexo site that ``npm install && npx hexo server`` shows.

    Writes ``package.json`` (Hexo 7 and the theme, pinned), ``_config.yml``
    (``title``, ``timezone``, ``theme``), ``scripts/archiver.js`` (runs Hexo
    in ``timezone`` so post dates are read as the instants they name, sets
    a no-referrer policy for images, links each post to its original article
    and escapes tag names), the theme's settings where it
    needs some, and a ``.gitignore``. ``theme`` is one of :data:`THEMES` or
    a theme already in ``root/themes/<theme>``. Running it again with the
    same arguments changes nothing; a file that exists with other content
    raises ``FileExistsError`` unless ``force``.
    """
    root = Path(root)
    if not title.strip():
        raise ValueError("title: empty")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"timezone: unknown time zone {timezone!r}") from None
    if theme not in THEMES and not (root / "themes" / theme).is_dir():
        known = ", ".join(sorted(THEMES))
        raise ValueError(f"theme: {theme!r} is neither one of {known} nor in {root / 'themes'}")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"url: not an http(s) URL: {url!r}")

    config = _CONFIG.format(
        title=quote_scalar(title),
        language=quote_scalar(language),
        timezone=quote_scalar(timezone),
        url=quote_scalar(url),
        theme=quote_scalar(theme),
    )
    _write(root / "package.json", _package_json(theme), force=force)
    _write(root / "_config.yml", config, force=force)
    _write(root / "scripts" / "archiver.js", _SITE_SCRIPT, force=force)
    _write(root / ".gitignore", _GITIGNORE, force=force)
    if theme == "volantis":
        _write(root / "_config.volantis.yml", _VOLANTIS_CONFIG, force=force)
    (root / "source" / "_posts").mkdir(parents=True, exist_ok=True)
