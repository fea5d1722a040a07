#!/usr/bin/env node
/*
 * Load a Hexo site with Hexo's own API and print, as JSON on stdout, what
 * Hexo read from every post: its source path, title, date and updated (ISO
 * 8601, UTC), categories in hierarchy order, its tags (Hexo's Tag documents,
 * by name), the `archiver:` mapping of its front matter as Hexo keeps it, and
 * the page path it renders to.
 *
 *   node hexo/read_posts.js SITE_DIR > posts.json
 *
 * The site is loaded exactly as `hexo generate` loads it (its _config.yml,
 * its plugins and its scripts/ folder), so a date that Hexo shifts or a post
 * that Hexo skips shows up here. Two deviations, both to make the answer
 * exact rather than different:
 *   - `updated_option` is forced to 'empty', so `updated` is null exactly when
 *     the front matter has none (instead of the file's mtime).
 *   - the db.json cache is neither read nor written.
 *   - Hexo's warnings and errors (a post whose front matter fails to parse is
 *     only logged, never thrown) are collected into "problems".
 *
 * Output: {"hexo": version, "timezone": config timezone, "problems": [..],
 *          "posts": [{source, title, date, updated, categories, tags, path,
 *                     published, headimg, thumbnail, author, comments,
 *                     archiver}]}
 * `tags` is in Hexo's order (its Tag collection's), not the front matter's.
 * Exit status 2 on bad usage, 1 when Hexo itself fails to load.
 */
'use strict';

const path = require('path');
const Hexo = require('hexo');

function isoOrNull(value) {
  if (value === undefined || value === null) return null;
  const date = typeof value.toDate === 'function' ? value.toDate() : new Date(value);
  return Number.isNaN(date.getTime()) ? 'Invalid Date' : date.toISOString();
}

// Hexo stores a post's categories as separate Category documents, each
// pointing at its parent; the list a post was given is the chain from the
// root down. Rebuild that chain; if it is not one chain, return the names as
// stored, flagged, so a comparison fails loudly instead of guessing.
function categoryChain(post) {
  const cats = post.categories.toArray();
  const byParent = new Map();
  const ids = new Set(cats.map(c => c._id));
  for (const cat of cats) {
    const parent = cat.parent && ids.has(cat.parent) ? cat.parent : null;
    if (byParent.has(parent)) return { names: cats.map(c => c.name), linear: false };
    byParent.set(parent, cat);
  }
  const names = [];
  let current = byParent.get(null);
  while (current) {
    names.push(current.name);
    current = byParent.get(current._id);
  }
  return { names, linear: names.length === cats.length };
}

function describe(post) {
  const chain = categoryChain(post);
  return {
    source: post.source,
    title: post.title,
    date: isoOrNull(post.date),
    updated: isoOrNull(post.updated),
    categories: chain.names,
    categories_linear: chain.linear,
    tags: post.tags.map(t => t.name),
    path: post.path,
    published: post.published,
    headimg: post.headimg === undefined ? null : post.headimg,
    thumbnail: post.thumbnail === undefined ? null : post.thumbnail,
    author: post.author === undefined ? null : post.author,
    comments: post.comments,
    archiver: post.archiver === undefined ? null : post.archiver
  };
}

async function main(argv) {
  if (argv.length !== 1 || argv[0].startsWith('-')) {
    process.stderr.write('usage: node read_posts.js SITE_DIR\n');
    return 2;
  }
  const baseDir = path.resolve(argv[0]) + path.sep;
  const hexo = new Hexo(baseDir, { silent: true });
  const problems = [];
  for (const level of ['warn', 'error', 'fatal']) {
    const original = hexo.log[level].bind(hexo.log);
    hexo.log[level] = (...args) => {
      const err = args.find(a => a && typeof a === 'object' && a.err);
      const text = args.filter(a => typeof a === 'string').join(' ');
      problems.push({ level, message: text, error: err ? String(err.err) : null });
      original(...args);
    };
  }
  await hexo.init();
  hexo.config.updated_option = 'empty';
  // Read every file afresh: skip the db.json cache a `hexo generate` left,
  // and (no hexo.exit()) write none back.
  hexo._dbLoaded = true;
  await hexo.load();
  const posts = hexo.model('Post').find({}).sort('source').map(describe);
  const out = {
    hexo: hexo.version,
    timezone: hexo.config.timezone || null,
    problems,
    posts
  };
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => {
    process.stderr.write(`read_posts: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  }
);
