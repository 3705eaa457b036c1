// Shared helpers of the end-to-end tests: the browser, the console watch, waits.
//
// The tests run against the real binary started by scripts/e2e, which passes:
//   MAPA_E2E_URL      base URL of the server on the bundled dataset
//   MAPA_E2E_URL_10K  base URL of the server on 10,000 synthetic practices (perf test)
//   MAPA_E2E_URL_100K base URL of the server on 100,000 synthetic practices (server clusters, perf)
//   MAPA_E2E_URL_1M   base URL of a server on 1,000,000 (perf only; set by E2E_1M=1, not in CI)
//   MAPA_E2E_URL_IMPORTED  base URL of the server on the bundled dataset plus one imported
//                     HTML page whose canonical link gives its source_url
//   MAPA_E2E_URL_EDIT base URL of an editable server (an SQLite store seeded from the
//                     bundled dataset) with the accounts admin@, redaktor@ (editor),
//                     anna@ and piotr@ (contributors), all @example.org
//   MAPA_E2E_PASSWORD the password of every one of those accounts
//   MAPA_E2E_OUT      folder for screenshots (target/e2e)
//   MAPA_E2E_TILE_HOST  the deliberately unreachable tile host (http://127.0.0.1:9)

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const BASE = process.env.MAPA_E2E_URL || 'http://127.0.0.1:8080';
export const BASE_10K = process.env.MAPA_E2E_URL_10K || '';
export const BASE_100K = process.env.MAPA_E2E_URL_100K || '';
export const BASE_1M = process.env.MAPA_E2E_URL_1M || '';
export const BASE_IMPORTED = process.env.MAPA_E2E_URL_IMPORTED || '';
export const BASE_EDIT = process.env.MAPA_E2E_URL_EDIT || '';
export const PASSWORD = process.env.MAPA_E2E_PASSWORD || '';
export const OUT = process.env.MAPA_E2E_OUT || path.resolve('../../target/e2e');
export const TILE_HOST = process.env.MAPA_E2E_TILE_HOST || 'http://127.0.0.1:9';
export const CHROMIUM = process.env.MAPA_E2E_CHROMIUM || '/usr/bin/chromium';

mkdirSync(OUT, { recursive: true });

/**
 * Starts headless Chromium with a fresh profile and no background traffic.
 * Playwright gives every launch a new temporary --user-data-dir of its own and
 * removes it on close (it refuses the flag in launch()), so the profile is
 * always fresh.
 */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return browser;
}

/**
 * A new page that records console errors, uncaught exceptions and failed
 * requests. Failures of the unreachable tile host are expected (the tests point
 * the tiles there on purpose): Chromium reports each refused tile as a console
 * error "Failed to load resource: net::ERR_CONNECTION_REFUSED" located at the
 * tile's URL. Those, and only those, are set aside in `tileErrors`; every other
 * console error, page error or failed request is a test failure.
 *
 * Playwright's `waitForFunction` evaluates its predicate with `eval`, which the
 * page's Content-Security-Policy forbids, so contexts bypass the CSP unless a
 * test asks for it with `bypassCSP: false` (the first page test does: the page
 * itself runs under its CSP without a console error; the shared waits below use
 * `until`, which works under the CSP).
 */
export async function openPage(browser, { viewport = { width: 1280, height: 800 }, ...ctxOpts } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, bypassCSP: true, ...ctxOpts });
  const page = await context.newPage();
  const log = { errors: [], tileErrors: [], failedRequests: [] };
  const isTile = (url) => typeof url === 'string' && url.startsWith(TILE_HOST + '/');
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const loc = msg.location() || {};
    if (isTile(loc.url) && /Failed to load resource/.test(msg.text())) log.tileErrors.push(loc.url);
    // A place the geocoder does not know is a 404 the page expects (and reports in words).
    else if (/\/api\/geocode\?/.test(loc.url || '') && /status of 404/.test(msg.text())) return;
    else log.errors.push(`console.error: ${msg.text()} at ${loc.url || '?'}:${loc.lineNumber ?? '?'}`);
  });
  page.on('pageerror', (err) => log.errors.push(`pageerror: ${err.message}\n${err.stack || ''}`));
  page.on('requestfailed', (req) => {
    if (isTile(req.url())) return;
    // Downloads are handed to the download manager and show as aborted requests.
    const f = req.failure();
    if (f && /ERR_ABORTED/.test(f.errorText) && /\/api\/practices\.(geojson|csv)/.test(req.url())) return;
    // A navigation while the icon loads aborts it.
    if (f && /ERR_ABORTED/.test(f.errorText) && /\/favicon\.svg$/.test(req.url())) return;
    // A near-me request, or a server-cluster view, superseded by the next one is aborted on purpose.
    if (f && /ERR_ABORTED/.test(f.errorText) && /\/api\/(practices|geocode|clusters)(\?|\/)/.test(req.url())) return;
    log.failedRequests.push(`${req.method()} ${req.url()}: ${f && f.errorText}`);
  });
  page.on('response', (resp) => {
    // A suggestion lookup for a half-typed name may find nothing: a 404 the page expects.
    if (resp.status() === 404 && /\/api\/geocode\?/.test(resp.url())) return;
    if (resp.status() >= 400 && !isTile(resp.url())) log.errors.push(`HTTP ${resp.status()} ${resp.url()}`);
  });
  return { context, page, log };
}

/** True in the page when no update, pan, zoom or cluster animation is under way. */
const SETTLED = `(() => {
  const d = document.documentElement.dataset;
  return !d.busy && !d.moving && !document.querySelector('.leaflet-cluster-anim, .leaflet-zoom-anim');
})()`;

/**
 * Waits until `expr` is true in the page, asking every 100 ms from here. Not
 * `page.waitForFunction`: its polling evaluates the expression with `eval` in
 * the page, which the page's own Content-Security-Policy refuses when a test
 * runs under it.
 */
export async function until(page, expr, { timeout = 15000, polling = 100 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate(expr)) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeout} ms waiting for ${expr}`);
    await new Promise((r) => setTimeout(r, polling));
  }
}

/** Waits until the page has loaded every practice and finished its last update. */
export async function waitReady(page, { timeout = 30000 } = {}) {
  await until(page, `document.documentElement.dataset.ready === '1' && ${SETTLED}`, { timeout });
  await settle(page);
}

/** Waits for the page to finish an update started after `rev` was read. */
export async function waitRevAfter(page, rev, { timeout = 15000 } = {}) {
  await until(page, `Number(document.documentElement.dataset.rev || 0) > ${Number(rev)} && ${SETTLED}`, { timeout });
  await settle(page);
}

/** Waits until the map has stopped moving and stayed still for a moment. */
export async function settle(page, { timeout = 15000 } = {}) {
  const start = Date.now();
  for (;;) {
    await until(page, SETTLED, { timeout });
    await page.waitForTimeout(250);
    if (await page.evaluate(SETTLED)) return;
    if (Date.now() - start > timeout) throw new Error('the map did not settle');
  }
}

export async function rev(page) {
  return page.evaluate(() => Number(document.documentElement.dataset.rev || 0));
}

/** Saves a screenshot under target/e2e/. */
export async function shot(page, name) {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}

/** Fails with every console error and failed request the page had. */
export function assertClean(assert, log) {
  assert.deepEqual(log.errors, [], `console errors:\n${log.errors.join('\n')}`);
  assert.deepEqual(log.failedRequests, [], `failed requests:\n${log.failedRequests.join('\n')}`);
}

/** GET a JSON document from the API, failing with status and body. */
export async function apiJson(pathAndQuery, base = BASE) {
  const resp = await fetch(base + pathAndQuery);
  const text = await resp.text();
  if (!resp.ok) throw new Error(`GET ${pathAndQuery}: HTTP ${resp.status}: ${text}`);
  return JSON.parse(text);
}

/** How many practices the map shows: single markers plus the counts of clusters. */
export async function shownOnMap(page) {
  return page.evaluate(() => {
    let n = 0;
    for (const el of document.querySelectorAll('.leaflet-marker-pane .leaflet-marker-icon')) {
      if (el.classList.contains('marker-cluster')) n += Number(el.textContent.trim()) || 0;
      else if (el.classList.contains('pm-marker')) n += 1;
    }
    return n;
  });
}

/**
 * The centre of the cluster icon (matching `selector`) nearest the map's centre,
 * away from the controls, in page coordinates; `preferLarge` puts large clusters
 * first. Null when none is in view.
 */
export async function centralCluster(page, selector, { preferLarge = false } = {}) {
  return page.evaluate(
    ([sel, large]) => {
      const m = document.getElementById('map').getBoundingClientRect();
      const cx = m.left + m.width / 2;
      const cy = m.top + m.height / 2;
      let best = null;
      for (const el of document.querySelectorAll(sel)) {
        const r = el.getBoundingClientRect();
        const p = { x: r.left + r.width / 2, y: r.top + r.height / 2 };
        const d = Math.hypot(p.x - cx, p.y - cy) - (large && el.classList.contains('marker-cluster-large') ? 1e4 : 0);
        if (!best || d < best.d) best = { ...p, d };
      }
      return best;
    },
    [selector, preferLarge],
  );
}

/** The ids of the rows in the list, in order. */
export async function listIds(page) {
  return page.$$eval('#list button[data-id]', (bs) => bs.map((b) => b.dataset.id));
}
