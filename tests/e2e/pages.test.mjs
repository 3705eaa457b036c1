// The server-rendered pages (issue 24) in a real browser: axe-core finds no
// serious or critical violation on a practice page, the list, the statistics
// and the accessibility statement; the Nu HTML checker finds no error; the
// list and a practice page work with the keyboard alone and with JavaScript
// off; the Atom and RSS feeds parse with feedparser (Python, from PyPI, in a
// venv scripts/e2e makes) without a fault; the JSON-LD parses and names the
// place; drafts made through the editing API appear in none of them.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BASE, BASE_EDIT, PASSWORD, OUT, launch, apiJson } from './lib.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');
const PYTHON = process.env.MAPA_E2E_PYTHON || 'python3';

let browser;
let first; // a practice of the bundled dataset, from the API

before(async () => {
  browser = await launch();
  const all = await apiJson('/api/practices?limit=10');
  first = all.features[0];
});

after(async () => {
  if (browser) await browser.close();
});

/** The canonical address of a practice, as /praktyki/{id} redirects to it. */
async function practicePath(id, base = BASE) {
  const resp = await fetch(`${base}/praktyki/${id}`, { redirect: 'manual' });
  assert.equal(resp.status, 301, `GET /praktyki/${id}`);
  return resp.headers.get('location');
}

async function pages() {
  return [
    await practicePath(first.id),
    '/praktyki',
    '/praktyki?voivodeship=12&sort=title',
    '/statystyki',
    '/deklaracja-dostepnosci',
    '/praktyki?lang=en',
  ];
}

/** Runs axe-core in a page; returns its serious and critical violations. */
async function axe(page) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ['violations'] }),
  );
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

test('axe-core finds no serious or critical violation on the pages', async () => {
  // The pages load under their Content-Security-Policy without an error.
  const strict = await browser.newContext({ bypassCSP: false });
  const sp = await strict.newPage();
  const errors = [];
  sp.on('console', (m) => m.type() === 'error' && errors.push(`${sp.url()}: ${m.text()}`));
  for (const p of await pages()) await sp.goto(BASE + p);
  await strict.close();
  assert.deepEqual(errors, [], 'console errors under the CSP');
  // axe-core is injected as an inline script: this context bypasses the CSP.
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const page = await context.newPage();
  for (const p of await pages()) {
    for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
      await page.setViewportSize(viewport);
      const resp = await page.goto(BASE + p);
      assert.equal(resp.status(), 200, p);
      assert.deepEqual(await axe(page), [], `${p} at ${viewport.width}px`);
    }
  }
  await page.screenshot({ path: path.join(OUT, 'pages-statement.png') });
  await context.close();
});

test('the Nu HTML checker finds no error on the pages', async () => {
  const files = [];
  for (const [i, p] of (await pages()).entries()) {
    const html = await (await fetch(BASE + p)).text();
    const file = path.join(OUT, `pages-vnu-${i}.html`);
    writeFileSync(file, html);
    files.push(file);
  }
  for (const [i, p] of ['/praktyki/nie-ma-takiej', '/praktyki?year_from=dawno'].entries()) {
    const resp = await fetch(BASE + p);
    assert.ok(resp.status === 404 || resp.status === 400, p);
    const file = path.join(OUT, `pages-vnu-error-${i}.html`);
    writeFileSync(file, await resp.text());
    files.push(file);
  }
  let out;
  try {
    out = execFileSync('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    out = e.stderr || e.stdout || String(e);
  }
  // vnu writes its JSON report to stderr.
  const text = out.trim() || '{"messages":[]}';
  const report = JSON.parse(text.slice(text.indexOf('{')));
  const errs = report.messages.filter((m) => m.type === 'error');
  assert.deepEqual(
    errs.map((m) => `${path.basename(m.url || '')}:${m.lastLine}: ${m.message}`),
    [],
  );
});

test('the list and a practice page work with JavaScript off and the keyboard alone', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${BASE}/praktyki`);
  // Fill the form by keyboard: tab to the text field, type, tab to the
  // voivodeship, choose one by typing, submit with Enter.
  const woj = first.properties.voivodeship.teryt;
  await page.keyboard.press('Tab'); // skip link
  let focused = '';
  for (let i = 0; i < 15 && focused !== 'f-q'; i += 1) {
    await page.keyboard.press('Tab');
    focused = await page.evaluate(() => document.activeElement && document.activeElement.id);
  }
  assert.equal(focused, 'f-q', 'the text field is reached by Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-voivodeship');
  await page.selectOption('#f-voivodeship', woj);
  // Enter in a text field sends the form (no script involved).
  await page.focus('#f-year-to');
  await Promise.all([page.waitForURL(/voivodeship=/), page.keyboard.press('Enter')]);
  assert.match(page.url(), new RegExp(`voivodeship=${woj}`));
  const rows = await page.locator('tbody tr').count();
  const want = (await apiJson(`/api/practices?voivodeship=${woj}&limit=0`)).numberMatched;
  assert.equal(rows, want, 'the list shows what the API counts');
  // Follow the first row's link by keyboard.
  const link = page.locator('tbody tr a').first();
  await link.focus();
  await Promise.all([page.waitForURL(/\/praktyki\/.+/), page.keyboard.press('Enter')]);
  const h1 = await page.locator('h1').textContent();
  assert.ok(h1 && h1.trim().length > 0);
  // The practice page: the map link and nearby practices are plain links.
  const mapLink = page.locator('a', { hasText: 'Pokaż na mapie' }).first();
  assert.match(await mapLink.getAttribute('href'), /[?&]p=/);
  assert.ok((await page.locator('section[aria-labelledby="h-nearby"]').count()) === 1);
  // The language switch.
  await page.locator('nav a[hreflang="en"]').focus();
  await Promise.all([page.waitForURL(/lang=en/), page.keyboard.press('Enter')]);
  assert.equal(await page.getAttribute('html', 'lang'), 'en');
  await page.screenshot({ path: path.join(OUT, 'pages-practice-nojs.png'), fullPage: true });
  // Paging and sorting by links and the form.
  await page.goto(`${BASE}/praktyki?sort=-year`);
  assert.equal(await page.locator('#f-sort').inputValue(), '-year');
  await context.close();
});

test('the JSON-LD of a practice page parses and names the place', async () => {
  const html = await (await fetch(BASE + (await practicePath(first.id)))).text();
  const m = html.match(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/);
  assert.ok(m, 'a JSON-LD script');
  const ld = JSON.parse(m[1]);
  assert.equal(ld['@context'], 'https://schema.org');
  assert.equal(ld.spatialCoverage['@type'], 'Place');
  assert.equal(ld.spatialCoverage.name, first.properties.town);
  assert.ok(ld.spatialCoverage.containedInPlace.some((p) => /^powiat /.test(p.name)));
  assert.ok(ld.spatialCoverage.geo.latitude > 49 && ld.spatialCoverage.geo.latitude < 55);
});

/** Parses a feed with feedparser; returns its summary. */
function parseFeed(xml) {
  const script = `
import json, sys, feedparser
d = feedparser.parse(sys.stdin.buffer.read())
print(json.dumps({"bozo": bool(d.bozo), "error": str(d.get("bozo_exception", "")),
  "version": d.version, "title": d.feed.get("title"),
  "entries": [{"title": e.get("title"), "link": e.get("link"), "id": e.get("id"),
               "published": e.get("published"), "updated": e.get("updated")} for e in d.entries]}))
`;
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: xml, encoding: 'utf8' }));
}

test('the Atom and RSS feeds parse without a fault for any filter', async () => {
  for (const q of ['', '?voivodeship=12', '?category=pomoc-spoleczna&lang=en']) {
    const atom = parseFeed(await (await fetch(`${BASE}/praktyki.atom${q}`)).text());
    assert.equal(atom.bozo, false, `Atom ${q}: ${atom.error}`);
    assert.equal(atom.version, 'atom10');
    const want = (await apiJson(`/api/practices${q.replace('&lang=en', '') || '?'}&limit=0`)).numberMatched;
    assert.equal(atom.entries.length, Math.min(want, 50), `Atom ${q}`);
    for (const e of atom.entries) {
      assert.ok(e.title && e.link.startsWith(`${BASE}/praktyki/`) && e.updated, JSON.stringify(e));
    }
    const rss = parseFeed(await (await fetch(`${BASE}/praktyki.rss${q}`)).text());
    assert.equal(rss.bozo, false, `RSS ${q}: ${rss.error}`);
    assert.equal(rss.version, 'rss20');
    assert.equal(rss.entries.length, atom.entries.length);
  }
  // The list and a practice page announce their feeds.
  const list = await (await fetch(`${BASE}/praktyki?voivodeship=12`)).text();
  assert.match(list, /<link rel="alternate" type="application\/atom\+xml"[^>]*href="[^"]*\/praktyki\.atom\?voivodeship=12"/);
  const map = await (await fetch(`${BASE}/`)).text();
  assert.match(map, /<link rel="alternate" type="application\/rss\+xml"/);
  assert.match(map, /href="\/praktyki"/, 'the map page links to the list');
});

test('drafts made through the editing API appear in no page, feed, sitemap or count', { skip: !BASE_EDIT && 'no editable server' }, async () => {
  const signIn = await fetch(`${BASE_EDIT}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: BASE_EDIT, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ email: 'piotr@example.org', password: PASSWORD }),
  });
  assert.equal(signIn.status, 200, await signIn.clone().text());
  const cookie = signIn.headers.get('set-cookie').split(';')[0];
  const { csrf_token: csrf } = await signIn.json();
  const title = `Szkic stron ${Date.now()} QPWX`;
  const before = await (await fetch(`${BASE_EDIT}/statystyki.csv?by=area`)).text();
  const created = await fetch(`${BASE_EDIT}/ogc/collections/practices/items`, {
    method: 'POST',
    headers: {
      'content-type': 'application/geo+json', cookie, 'x-csrf-token': csrf,
      origin: BASE_EDIT, 'sec-fetch-site': 'same-origin',
    },
    body: JSON.stringify({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [19.2343, 50.0352] },
      properties: { title, area: 'kultura', summary: 'Szkic, który nie jest opublikowany.' },
    }),
  });
  assert.equal(created.status, 202, await created.clone().text());
  const id = (await created.json()).feature.id;
  for (const p of ['/praktyki', '/praktyki?category=kultura', '/praktyki.atom', '/praktyki.rss', '/sitemap.xml', '/statystyki']) {
    const text = await (await fetch(BASE_EDIT + p)).text();
    assert.ok(!text.includes('QPWX') && !text.includes(id), `${p} shows the draft`);
  }
  assert.equal((await fetch(`${BASE_EDIT}/praktyki/${id}`)).status, 404);
  assert.equal(await (await fetch(`${BASE_EDIT}/statystyki.csv?by=area`)).text(), before, 'counts unchanged');
});
