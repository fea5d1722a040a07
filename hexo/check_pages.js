#!/usr/bin/env node
/*
 * Load pages in headless Chromium (Debian's, driven by playwright-core) and
 * report what a reader sees: the heading, the document title, the body's
 * paragraphs, the post's tags (its `rel="tag"` links), the link to the
 * original article (`p.archiver-source a`), every <img> and its referrer
 * policy, any dialog a script opened, and whether a page script set
 * window.__pwned.
 *
 *   node hexo/check_pages.js SPEC.json > result.json
 *
 * SPEC: {"chromium": "/usr/bin/chromium", "base": "http://127.0.0.1:PORT/",
 *        "screenshots": "DIR" | null,
 *        "pages": [{"name": "...", "path": "2022/07/29/.../"}]}
 * Only requests to the base URL's origin are let through: the browser never
 * touches the network, and a page that tries shows it in "blocked".
 */
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

// Flags that keep Chromium off the network and quiet in a container.
const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'
];

async function inspect(page) {
  return page.evaluate(() => {
    // The post's own heading, not the site title some themes put in an <h1>.
    const heading = ['article [itemprop~="headline"]', 'article h1', 'main h1', 'h1']
      .map(selector => document.querySelector(selector)).find(Boolean);
    const article = document.querySelector('article') || document.body;
    return {
      heading: heading ? heading.textContent : null,
      heading_has_elements: heading ? heading.querySelectorAll('*:not(a)').length : null,
      document_title: document.title,
      paragraphs: Array.from(article.querySelectorAll('p'), p => p.textContent),
      article_text: article.textContent,
      tags: Array.from(article.querySelectorAll('a[rel~="tag"]'), a => a.textContent),
      source_links: Array.from(article.querySelectorAll('p.archiver-source a'), a => ({
        href: a.getAttribute('href'),
        text: a.textContent,
        paragraph: a.parentElement.textContent
      })),
      images: Array.from(document.images, img => ({
        src: img.getAttribute('src'),
        referrerpolicy: img.getAttribute('referrerpolicy'),
        in_article: article.contains(img)
      })),
      meta_referrer: (document.querySelector('meta[name="referrer"]') || {}).content || null,
      pwned: window.__pwned === undefined ? null : String(window.__pwned),
      scripts_in_article: article.querySelectorAll('script').length
    };
  });
}

async function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write('usage: node check_pages.js SPEC.json\n');
    return 2;
  }
  const spec = JSON.parse(fs.readFileSync(argv[0], 'utf8'));
  const origin = new URL(spec.base).origin;
  const userDataDir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: spec.chromium,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    timeout: 60000
  });
  const results = [];
  try {
    for (const item of spec.pages) {
      const page = await context.newPage();
      const dialogs = [];
      const blocked = [];
      const errors = [];
      page.on('dialog', dialog => {
        dialogs.push(`${dialog.type()}: ${dialog.message()}`);
        dialog.dismiss().catch(() => {});
      });
      page.on('pageerror', err => errors.push(String(err)));
      await page.route('**/*', route => {
        const url = route.request().url();
        if (url.startsWith(origin + '/')) return route.continue();
        blocked.push(url);
        return route.abort('blockedbyclient');
      });
      const url = new URL(item.path, spec.base).href;
      const result = { name: item.name, path: item.path, url };
      try {
        const response = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
        result.status = response ? response.status() : null;
        Object.assign(result, await inspect(page));
        if (spec.screenshots) {
          const file = path.join(spec.screenshots, `${item.name}.png`);
          await page.screenshot({ path: file, fullPage: false });
          result.screenshot = file;
        }
      } catch (err) {
        result.error = String(err);
      }
      Object.assign(result, { dialogs, blocked, page_errors: errors });
      results.push(result);
      await page.close();
    }
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
  process.stdout.write(JSON.stringify({ pages: results }, null, 1) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  code => { process.exitCode = code; },
  err => {
    process.stderr.write(`check_pages: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  }
);
