// The map page in real headless Chromium against the real binary, with the
// tile server pointed at an unreachable address.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BASE, launch, openPage, waitReady, waitRevAfter, rev, settle, shot, assertClean, apiJson, shownOnMap, listIds,
} from './lib.mjs';

let browser;
let all; // every practice, from the API

before(async () => {
  browser = await launch();
  all = await apiJson('/api/practices?limit=10000');
});

after(async () => {
  if (browser) await browser.close();
});

function findPractice(re) {
  const f = all.features.find((x) => re.test(x.properties.town || '') || re.test(x.properties.title));
  assert.ok(f, `no practice matching ${re} in the dataset`);
  return f;
}

test('markers appear, with outlines, counts and a discreet note about the missing tiles', async () => {
  // Under the page's own Content-Security-Policy: any violation is a console error.
  const { context, page, log } = await openPage(browser, { bypassCSP: false });
  await page.goto(BASE + '/');
  await waitReady(page);
  const total = all.numberMatched;
  assert.ok(total > 0, 'the dataset has practices');
  const placed = all.features.filter((f) => f.geometry).length;
  assert.equal(await shownOnMap(page), placed, 'every placed practice is on the map, as a marker or in a cluster');
  assert.ok((await page.locator('.leaflet-marker-icon').count()) > 0, 'marker icons are drawn');
  // The bundled outlines are drawn (16 voivodeships, as land and as borders).
  assert.ok((await page.locator('.leaflet-land-pane path').count()) >= 1, 'voivodeship outlines are drawn');
  const counts = await page.locator('#counts').textContent();
  assert.match(counts, new RegExp(`z ${total} praktyk`), counts);
  // The tiles failed: the page says so without getting in the way.
  await page.locator('#tile-notice').waitFor({ state: 'visible' });
  assert.match(await page.locator('#tile-notice').textContent(), /Podkład mapy jest niedostępny/);
  // Credits.
  const credits = await page.locator('#credits-text').textContent();
  for (const name of ['GeoNames', 'CC BY 4.0', 'Natural Earth', 'OpenStreetMap', 'Leaflet']) {
    assert.ok(credits.includes(name), `credits name ${name}: ${credits}`);
  }
  const attribution = await page.locator('.leaflet-control-attribution').textContent();
  assert.match(attribution, /Natural Earth/);
  assert.match(attribution, /GeoNames/);
  await shot(page, '01-markers');
  assertClean(assert, log);
  await context.close();
});

test('clicking the Oświęcim marker opens a popup with its title; Szczegóły opens the full record', async () => {
  const f = findPractice(/Oświęcim/);
  const [lon, lat] = f.geometry.coordinates;
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE}/?map=11/${lat}/${lon}`);
  await waitReady(page);
  const marker = page.locator(`.leaflet-marker-icon.pm-marker[title="${f.properties.title.replace(/"/g, '\\"')}"]`);
  // The list and the map highlight each other on hover.
  const row = page.locator(`#list button[data-id="${f.id}"]`);
  await row.hover();
  await page.waitForFunction((t) => [...document.querySelectorAll('.pm-marker.hl')].some((m) => m.title === t), f.properties.title, { timeout: 5000 });
  await marker.hover();
  await page.waitForFunction((id) => document.querySelector(`#list button[data-id="${id}"]`).classList.contains('hl'), f.id, { timeout: 5000 });
  await marker.click();
  const popup = page.locator('.leaflet-popup-content');
  await popup.waitFor({ state: 'visible' });
  assert.equal((await popup.locator('h3').textContent()).trim(), f.properties.title);
  const popupText = await popup.textContent();
  assert.ok(popupText.includes(f.properties.town), popupText);
  assert.ok(popupText.includes('Pomoc społeczna') || popupText.includes(f.properties.area_name), popupText);
  assert.equal(new URL(page.url()).searchParams.get('p'), f.id);
  await shot(page, '02-popup-oswiecim');
  await popup.getByRole('link', { name: /Szczegóły/ }).click();
  const detail = page.locator('#detail');
  await detail.waitFor({ state: 'visible' });
  await page.locator('#detail-practice-title').waitFor();
  assert.equal((await page.locator('#detail-practice-title').textContent()).trim(), f.properties.title);
  const detailText = await detail.textContent();
  assert.match(detailText, /Dokładność położenia/);
  assert.match(detailText, /Współrzędne/);
  if (f.properties.source) {
    const src = detail.locator('a', { hasText: 'Strona źródłowa' });
    if (/^https?:/.test(f.properties.source)) assert.equal(await src.getAttribute('href'), f.properties.source);
  }
  assert.match(page.url(), /[?&]d=1/);
  await shot(page, '03-detail-oswiecim');
  // Escape closes the panel.
  await page.keyboard.press('Escape');
  await detail.waitFor({ state: 'hidden' });
  assertClean(assert, log);
  await context.close();
});

test('Blisko mnie with 41-300 and 30 km lists the Dąbrowa Górnicza practice first with its distance', async () => {
  const expected = await apiJson('/api/practices?near=41-300&radius_km=30');
  assert.ok(expected.numberMatched > 0);
  // Playwright's string predicates (waitReady) are eval, which the page's CSP
  // forbids; these tests navigate twice, so they run with the CSP bypassed (the
  // others run under it and assert a clean console).
  const { context, page, log } = await openPage(browser, { bypassCSP: true });
  await page.goto(BASE + '/');
  await waitReady(page);
  const r0 = await rev(page);
  await page.getByLabel('Kod pocztowy lub miejscowość').fill('41-300');
  await page.getByLabel('Promień (km)').fill('30');
  await page.getByRole('button', { name: 'Szukaj w pobliżu' }).click();
  await waitRevAfter(page, r0);
  await page.locator('#near-status').filter({ hasText: 'W promieniu 30 km' }).waitFor();
  const ids = await listIds(page);
  assert.deepEqual(ids, expected.features.map((f) => f.id), 'the list is the API answer, nearest first');
  const first = page.locator('#list li').first();
  const text = await first.textContent();
  assert.match(text, /Dąbrowa Górnicza/, text);
  assert.match(text, /\d+(,\d)? km/, text);
  const firstFeature = expected.features[0];
  assert.equal(firstFeature.properties.town, 'Dąbrowa Górnicza');
  // The distance shown is the API's, in Polish number format.
  const km = firstFeature.properties.distance_km;
  const shown = (km < 10 ? km.toFixed(1) : Math.round(km).toString()).replace('.', ',');
  assert.ok(text.includes(`${shown} km`), `${text} shows ${shown} km`);
  // A circle is drawn on the map.
  assert.ok((await page.locator('.leaflet-overlay-pane path').count()) >= 1, 'the radius circle is drawn');
  assert.equal(await shownOnMap(page), expected.features.filter((f) => f.geometry).length);
  assert.match(page.url(), /near=41-300/);
  assert.match(page.url(), /r=30/);
  await shot(page, '04-near-41-300');
  assertClean(assert, log);
  await context.close();
});

test('an area filter hides the others; the GeoJSON and CSV downloads hold exactly the selection', async () => {
  const cats = (await apiJson('/api/categories')).categories;
  const total = all.numberMatched;
  // An area that splits the data if there is one; else one that holds nothing.
  const split = cats.find((c) => c.count > 0 && c.count < total && !['uslugi-spoleczne'].includes(c.slug));
  const area = split || cats.find((c) => c.count === 0);
  assert.ok(area, 'some area to filter by');
  const expected = await apiJson(`/api/practices?category=${area.slug}`);
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  const r0 = await rev(page);
  await page.getByLabel('Obszar', { exact: true }).selectOption(area.slug);
  await waitRevAfter(page, r0);
  assert.equal(await shownOnMap(page), expected.features.filter((f) => f.geometry).length, 'only that area is on the map');
  assert.ok((await shownOnMap(page)) < all.features.filter((f) => f.geometry).length, 'the others are hidden');
  const ids = new Set(await listIds(page));
  for (const id of ids) assert.ok(expected.features.some((f) => f.id === id), `${id} is of area ${area.slug}`);
  assert.match(await page.locator('#counts').textContent(), new RegExp(`Wybrano ${expected.numberMatched} z ${total}`));
  assert.match(page.url(), new RegExp(`area=${area.slug}`));
  await shot(page, '05-area-filter');

  // Now a filter that keeps something: the most common area and its commonest voivodeship.
  const common = cats.filter((c) => !['uslugi-spoleczne'].includes(c.slug)).sort((a, b) => b.count - a.count)[0];
  const byWoj = new Map();
  for (const f of all.features) {
    if (f.properties.area !== common.slug || !f.properties.voivodeship) continue;
    const t = f.properties.voivodeship.teryt;
    byWoj.set(t, (byWoj.get(t) || 0) + 1);
  }
  const woj = [...byWoj.entries()].sort((a, b) => b[1] - a[1])[0][0];
  const want = await apiJson(`/api/practices?category=${common.slug}&voivodeship=${woj}`);
  assert.ok(want.numberMatched > 0);
  const r1 = await rev(page);
  await page.getByLabel('Obszar', { exact: true }).selectOption(common.slug);
  await waitRevAfter(page, r1);
  const r2 = await rev(page);
  await page.getByLabel('Województwo', { exact: true }).selectOption(woj);
  await waitRevAfter(page, r2);
  assert.equal(await shownOnMap(page), want.features.filter((f) => f.geometry).length);
  assert.match(await page.locator('#counts').textContent(), new RegExp(`Wybrano ${want.numberMatched} z`));

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Pobierz GeoJSON' }).click()]);
  const fc = JSON.parse(readFileSync(await download.path(), 'utf8'));
  assert.equal(fc.type, 'FeatureCollection');
  assert.deepEqual(fc.features.map((f) => f.id).sort(), want.features.map((f) => f.id).sort(), 'the download is the selection');
  for (const f of fc.features) {
    assert.equal(f.properties.area, common.slug);
    assert.equal(f.properties.voivodeship_teryt, woj); // flat, as the OGC item: the download imports back
  }
  const [csvDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Pobierz CSV' }).click()]);
  const csv = readFileSync(await csvDl.path(), 'utf8');
  for (const f of want.features) assert.ok(csv.includes(f.id), `CSV holds ${f.id}`);
  await shot(page, '06-download-filter');
  assertClean(assert, log);
  await context.close();
});

test('a permalink reopens the same state, open popup included; the back button works', async () => {
  const f = findPractice(/Dąbrowa Górnicza/);
  // Playwright's string predicates (waitReady) are eval, which the page's CSP
  // forbids; these tests navigate twice, so they run with the CSP bypassed (the
  // others run under it and assert a clean console).
  const { context, page, log } = await openPage(browser, { bypassCSP: true });
  await page.goto(BASE + '/');
  await waitReady(page);
  // Near-me, a text filter, then open the first practice from the list.
  let r = await rev(page);
  await page.getByLabel('Kod pocztowy lub miejscowość').fill('41-300');
  await page.getByLabel('Promień (km)').fill('30');
  await page.getByRole('button', { name: 'Szukaj w pobliżu' }).click();
  await waitRevAfter(page, r);
  await page.locator('#list button[data-id]').first().click();
  const popup = page.locator('.leaflet-popup-content h3');
  await popup.waitFor();
  const title = (await popup.textContent()).trim();
  assert.equal(title, f.properties.title);
  await page.waitForFunction((id) => new URLSearchParams(location.search).get('p') === id, f.id, { polling: 100 });
  await settle(page); // the view settles into the URL
  const link = page.url();
  const listBefore = await listIds(page);
  const view = new URL(link).searchParams.get('map');
  await shot(page, '07-permalink-source');

  // The same link in a new browser context.
  const second = await openPage(browser);
  await second.page.goto(link);
  await waitReady(second.page);
  const popup2 = second.page.locator('.leaflet-popup-content h3');
  await popup2.waitFor();
  assert.equal((await popup2.textContent()).trim(), title, 'the popup is open again');
  assert.deepEqual(await listIds(second.page), listBefore, 'the same list');
  assert.equal(await second.page.locator('#near-place').inputValue(), '41-300');
  assert.equal(new URL(second.page.url()).searchParams.get('map'), view, 'the same view');
  await shot(second.page, '08-permalink-reopened');
  assertClean(assert, second.log);
  await second.context.close();

  // Back: the popup closes and the near-me query goes, step by step.
  await page.bringToFront(); // a page in the background gets no animation frames
  await page.goBack();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('p'), null, { polling: 100 });
  await page.locator('.leaflet-popup').waitFor({ state: 'detached' });
  r = await rev(page);
  await page.goBack();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has('near'), null, { polling: 100 });
  await waitRevAfter(page, r);
  assert.equal(await page.locator('#near-place').inputValue(), '');
  assert.equal((await listIds(page)).length, all.features.filter((x) => x.geometry).length, 'the list is every practice in view again');
  assertClean(assert, log);
  await context.close();
});

test('keyboard alone: the list is focusable and Enter opens a practice', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  const first = page.locator('#list button[data-id]').first();
  const id = await first.getAttribute('data-id');
  await first.focus();
  const outline = await first.evaluate((el) => getComputedStyle(el).outlineStyle);
  assert.notEqual(outline, 'none', 'the focused row shows a focus outline');
  await page.keyboard.press('Enter');
  await page.locator('.leaflet-popup-content h3').waitFor();
  const f = all.features.find((x) => x.id === id);
  assert.equal((await page.locator('.leaflet-popup-content h3').textContent()).trim(), f.properties.title);
  // Every control has an accessible name.
  for (const sel of ['#f-area', '#f-woj', '#f-q', '#near-place', '#near-radius']) {
    const name = await page.locator(sel).evaluate((el) => (el.labels && el.labels[0] && el.labels[0].textContent) || el.getAttribute('aria-label'));
    assert.ok(name && name.trim(), `${sel} has a label`);
  }
  assert.ok(await page.locator('#map').getAttribute('aria-label'));
  await shot(page, '09-keyboard');
  assertClean(assert, log);
  await context.close();
});

test('English with ?lang=en, and a switch back to Polish', async () => {
  // Playwright's string predicates (waitReady) are eval, which the page's CSP
  // forbids; these tests navigate twice, so they run with the CSP bypassed (the
  // others run under it and assert a clean console).
  const { context, page, log } = await openPage(browser, { bypassCSP: true });
  await page.goto(BASE + '/?lang=en');
  await waitReady(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'en');
  assert.match(await page.locator('h1').textContent(), /Map of local-government good practices/);
  assert.ok(await page.getByRole('button', { name: 'Search nearby' }).isVisible());
  assert.match(await page.locator('#counts').textContent(), /practices selected/);
  const sw = page.locator('#lang-switch');
  assert.equal((await sw.textContent()).trim(), 'Polski');
  await shot(page, '10-english');
  await sw.click();
  await waitReady(page);
  assert.equal(await page.locator('html').getAttribute('lang'), 'pl');
  assert.ok(!page.url().includes('lang=en'));
  assertClean(assert, log);
  await context.close();
});

test('on a phone the panels collapse and touch targets are at least 44 px', async () => {
  const { context, page, log } = await openPage(browser, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, reducedMotion: 'reduce' });
  await page.goto(BASE + '/');
  await waitReady(page);
  assert.equal(await page.locator('#panel').isVisible(), false, 'the panel is collapsed');
  await shot(page, '11-phone-map');
  const toggle = page.locator('#panel-toggle');
  await toggle.click();
  await page.locator('#panel').waitFor({ state: 'visible' });
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  const small = await page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll('#panel button, #panel select, #panel input[type=text], #panel input[type=search], #panel input[type=number], #panel .btn, #panel .check, .topbar .btn, .leaflet-control-zoom a')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      if (r.height < 44 || r.width < 44) out.push(`${el.id || el.className || el.tagName}: ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
  assert.deepEqual(small, [], 'touch targets under 44 px');
  await shot(page, '12-phone-panel');
  assertClean(assert, log);
  await context.close();
});

test('the choropleth toggle shades voivodeships by count with a legend', async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  await page.getByLabel('Województwa według liczby praktyk').check();
  await page.locator('#choro-legend').waitFor({ state: 'visible' });
  assert.equal(await page.locator('.leaflet-choro-pane path').count(), 16);
  const fills = await page.$$eval('.leaflet-choro-pane path', (ps) => new Set(ps.map((p) => p.getAttribute('fill'))).size);
  assert.ok(fills >= 2, 'regions with and without practices differ in colour');
  assert.match(page.url(), /choro=1/);
  await shot(page, '13-choropleth');
  assertClean(assert, log);
  await context.close();
});
