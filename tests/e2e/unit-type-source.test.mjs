// The unit-type filter (a select in both languages, kept in links, the same
// as the API's unit_type) and the detail panel's source link (the original
// page when its address is known, else the file name as text).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, BASE_IMPORTED, launch, openPage, waitReady, waitRevAfter, rev, shot, assertClean, apiJson, shownOnMap,
} from './lib.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser && (await browser.close()));

test('unit type: a select in Polish and English, kept in the URL, the same as the API', async () => {
  const all = await apiJson('/api/practices?limit=10000');
  const want = all.features.filter((f) => f.properties.unit_type === 'gmina miejska' && f.geometry).length;
  assert.ok(want > 0 && want < all.features.length, `some but not all practices are of an urban gmina (${want})`);
  const { context, page, log } = await openPage(browser);
  await page.goto(BASE + '/');
  await waitReady(page);
  const labels = await page.locator('#f-ut option').allTextContents();
  assert.deepEqual(labels.slice(0, 3), ['Wszystkie typy jednostek', 'gmina miejska', 'gmina wiejska']);
  await page.locator('#more-filters summary').click();
  const r0 = await rev(page);
  await page.locator('#f-ut').selectOption('gmina miejska');
  await waitRevAfter(page, r0);
  assert.equal(new URL(page.url()).searchParams.get('ut'), 'gmina miejska');
  assert.equal(await shownOnMap(page), want);
  assert.match(await page.locator('#dl-csv').getAttribute('href'), /unit_type=gmina(\+|%20)miejska/);
  const api = await apiJson('/api/practices?limit=0&unit_type=gmina%20miejska');
  assert.equal(api.numberMatched, all.features.filter((f) => f.properties.unit_type === 'gmina miejska').length);
  // A link keeps it; English names it in English; a bad value falls back to all.
  await page.goto(BASE + '/?lang=en&ut=gmina+wiejska');
  await waitReady(page);
  assert.equal(await page.locator('#f-ut').evaluate((el) => el.options[el.selectedIndex].textContent), 'rural gmina');
  assert.equal(await shownOnMap(page), all.features.filter((f) => f.properties.unit_type === 'gmina wiejska' && f.geometry).length);
  await page.goto(BASE + '/?ut=nonsense');
  await waitReady(page);
  assert.equal(await page.locator('#f-ut').evaluate((el) => el.options[el.selectedIndex].textContent), 'Wszystkie typy jednostek');
  assert.equal(await shownOnMap(page), all.features.filter((f) => f.geometry).length);
  assertClean(assert, log);
  await context.close();
});

test('Źródło links to the original page when its address is known, else names the file as plain text', { skip: !BASE_IMPORTED && 'MAPA_E2E_URL_IMPORTED not set' }, async () => {
  const all = await apiJson('/api/practices?limit=100', BASE_IMPORTED);
  const imported = all.features.find((f) => f.properties.source_url);
  assert.ok(imported, 'the imported page has a source_url');
  assert.equal(imported.properties.source_url, 'https://praktyki.example.org/swietlica-gorlice', 'the canonical link wins over og:url');
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE_IMPORTED}/?p=${encodeURIComponent(imported.id)}&d=1`);
  await waitReady(page);
  await page.locator('#detail-body dl').waitFor();
  const link = page.locator('#detail-body dd a', { hasText: 'Strona źródłowa' });
  assert.equal(await link.getAttribute('href'), 'https://praktyki.example.org/swietlica-gorlice');
  const rel = (await link.getAttribute('rel')).split(/\s+/);
  assert.ok(rel.includes('noopener') && rel.includes('noreferrer'), rel.join(' '));
  await shot(page, '40-source-link');
  // A practice without an address: its file name as text, no link.
  const other = all.features.find((f) => !f.properties.source_url);
  await page.goto(`${BASE_IMPORTED}/?p=${encodeURIComponent(other.id)}&d=1`);
  await waitReady(page);
  await page.locator('#detail-body dl').waitFor();
  const dd = page.locator('#detail-body dt', { hasText: 'Źródło' }).locator('xpath=following-sibling::dd[1]');
  assert.match(await dd.textContent(), new RegExp(other.properties.source.replace(/[.]/g, '\\.')));
  assert.equal(await dd.locator('a').count(), 0);
  assertClean(assert, log);
  await context.close();
});
