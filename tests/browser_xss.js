#!/usr/bin/env node
/*
 * Load post pages in headless Chromium and report whether anything in the
 * post's body ran: used by tests/test_browser_xss.py.
 *
 *   node tests/browser_xss.js SPEC.json > result.json
 *
 * SPEC: {"chromium": "/usr/bin/chromium", "base": "http://127.0.0.1:PORT/",
 *        "hexo_dir": ".../hexo", "wait_ms": 600, "parallel": 3,
 *        "allowed_tags": [...], "url_schemes": ["http:", ...],
 *        "pages": [{"name": "...", "path": "2022/07/29/.../"}]}
 *
 * For each page: load it, wait (SMIL animations, meta refresh, autofocus),
 * read `window.__xss`, then hover, focus and click everything in the post's
 * body (link navigation to an allowed scheme is cancelled, so a click only
 * runs what a `javascript:` URL would run), wait again and read it again.
 * Reported: the dialogs a script opened, page errors, every request that
 * left the page's origin (blocked), whether the page navigated, the body's
 * text, and every element, attribute or URL of the body outside the
 * allow-list, as the browser parsed it.
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { createRequire } = require('module');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage'
];

function inspect(page, spec) {
  return page.evaluate(({ allowed, schemes }) => {
    const entry = document.querySelector('.article-entry') || document.querySelector('article');
    const bad = [];
    if (!entry) return { xss: null, text: null, bad: ['no .article-entry'], links: 0 };
    const allowedTags = new Set(allowed);
    // The archive's own link to the original article follows the body.
    const sources = entry.querySelectorAll(':scope > p.archiver-source');
    const own = sources[sources.length - 1];
    const urlAttrs = ['href', 'src', 'action', 'formaction', 'poster', 'data', 'background',
      'xlink:href', 'srcset', 'dynsrc', 'lowsrc', 'ping', 'cite'];
    for (const el of entry.querySelectorAll('*')) {
      const tag = el.localName;
      if (own && own.contains(el)) continue;
      if (!allowedTags.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
        bad.push(`<${tag}> (${el.namespaceURI})`);
      }
      for (const attr of Array.from(el.attributes)) {
        const name = attr.name.toLowerCase();
        if (name.startsWith('on') || name === 'srcdoc') bad.push(`<${tag} ${name}>`);
        if (urlAttrs.includes(name)) {
          let protocol;
          try { protocol = new URL(attr.value, document.baseURI).protocol; } catch (e) { protocol = 'invalid'; }
          if (protocol !== 'invalid' && !schemes.includes(protocol)) {
            bad.push(`<${tag} ${name}="${attr.value}"> (${protocol})`);
          }
        }
        if (name === 'style' && /expression|url\(|binding|behavior|javascript/i.test(attr.value)) {
          bad.push(`<${tag} style="${attr.value}">`);
        }
      }
    }
    return {
      xss: window.__xss === undefined ? null : String(window.__xss),
      text: entry.textContent,
      bad,
      links: entry.querySelectorAll('a').length,
      sources: entry.querySelectorAll('.archiver-source').length,
      base: document.baseURI
    };
  }, { allowed: spec.allowed_tags, schemes: spec.url_schemes });
}

function poke(page, schemes) {
  return page.evaluate(schemes => {
    const entry = document.querySelector('.article-entry') || document.querySelector('article');
    if (!entry) return 0;
    // A click on a link to an allowed scheme would leave the page: cancel it.
    // A javascript: link runs on click before the default action, and is not
    // cancelled by this (it has no allowed scheme).
    document.addEventListener('click', event => {
      const link = event.target.closest && event.target.closest('a');
      if (link && schemes.includes(link.protocol)) event.preventDefault();
    }, true);
    let count = 0;
    for (const el of entry.querySelectorAll('*')) {
      for (const type of ['mouseover', 'mouseenter', 'mousedown', 'mouseup']) {
        el.dispatchEvent(new MouseEvent(type, { bubbles: true }));
      }
      if (typeof el.focus === 'function') el.focus();
      // SVG and MathML elements have no click(): a dispatched click still
      // follows their links.
      if (typeof el.click === 'function') el.click();
      else el.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
      count += 1;
    }
    return count;
  }, schemes);
}

async function check(context, spec, item) {
  const origin = new URL(spec.base).origin;
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
  const result = { name: item.name, url };
  try {
    const response = await page.goto(url, { waitUntil: 'load', timeout: 30000 });
    result.status = response ? response.status() : null;
    await page.waitForTimeout(spec.wait_ms);
    result.loaded = await inspect(page, spec);
    result.poked = await poke(page, spec.url_schemes);
    await page.waitForTimeout(spec.wait_ms);
    result.after = await inspect(page, spec);
    result.url_after = page.url();
  } catch (err) {
    result.error = String(err);
  }
  Object.assign(result, { dialogs, blocked, page_errors: errors });
  await page.close();
  return result;
}

async function main(argv) {
  if (argv.length !== 1) {
    process.stderr.write('usage: node browser_xss.js SPEC.json\n');
    return 2;
  }
  const spec = JSON.parse(fs.readFileSync(argv[0], 'utf8'));
  const { chromium } = createRequire(path.join(spec.hexo_dir, 'package.json'))('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-xss-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: spec.chromium,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    timeout: 60000
  });
  const results = new Array(spec.pages.length);
  try {
    let next = 0;
    const worker = async () => {
      while (next < spec.pages.length) {
        const index = next++;
        results[index] = await check(context, spec, spec.pages[index]);
      }
    };
    await Promise.all(Array.from({ length: spec.parallel || 1 }, worker));
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
    process.stderr.write(`browser_xss: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 1;
  }
);
