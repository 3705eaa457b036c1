// The whole journey of issue 23's "Must hold", in Chromium against the
// editable server (MAPA_E2E_URL_EDIT): a contributor pastes a municipality's
// page into "Dodaj praktykę", chooses another place of the same name and
// submits; an editor requests changes; the contributor sees the comment in
// "Moje zgłoszenia", fixes the title and sends it again; the editor publishes;
// an anonymous visitor finds it at once in the list, on the map (its detail
// opens from a link) and in the downloads; the editor restores the earlier
// revision, and the public sees that one. Plus: a contributor cannot reach
// the review queue. The editor's steps go through the API (the "Redakcja"
// screens are another part of the issue).
//
// "At once": each public answer is asked for right after the editor's answer,
// without waiting or retrying; no time is asserted.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE_EDIT, launch, openPage, waitReady, until, assertClean } from './lib.mjs';
import { api, apiSignIn, chooseTown, signedIn } from './edit-lib.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const PAGE = readFileSync(path.resolve(HERE, '../fixtures/edit/rozdrazew-male-projekty.html'), 'utf8');
const TAG = `journey23-${Date.now()}`;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  if (browser) await browser.close();
});

/** What an anonymous visitor gets from every public answer, asked for once. */
async function publicView(id) {
  const one = await fetch(`${BASE_EDIT}/api/practices/${encodeURIComponent(id)}`);
  const list = await (await fetch(`${BASE_EDIT}/api/practices?q=${encodeURIComponent(TAG)}&limit=50`)).json();
  const geojson = await (await fetch(`${BASE_EDIT}/api/practices.geojson`)).json();
  const csv = await (await fetch(`${BASE_EDIT}/api/practices.csv`)).text();
  const ogc = await fetch(`${BASE_EDIT}/ogc/collections/practices/items/${encodeURIComponent(id)}`);
  return {
    status: one.status,
    title: one.status === 200 ? (await one.json()).properties.title : null,
    inList: list.features.some((f) => f.id === id),
    inGeojson: geojson.features.find((f) => f.id === id)?.properties.title ?? null,
    inCsv: csv.includes(id),
    ogc: ogc.status,
  };
}

test('submit, changes requested, fixed, published, seen at once by everyone, restored', { skip: !BASE_EDIT && 'MAPA_E2E_URL_EDIT not set' }, async () => {
  const { context, page, log } = await openPage(browser);
  await page.goto(`${BASE_EDIT}/`);
  await waitReady(page);
  await signedIn(page, 'anna@example.org');

  // The contributor pastes the page's HTML as text and submits it.
  await page.getByRole('button', { name: 'Dodaj praktykę' }).click();
  const form = page.locator('#edit-dialog');
  await form.getByLabel('Treść strony').fill(PAGE);
  await form.getByRole('button', { name: 'Wczytaj' }).click();
  await until(page, `/Wypełniono/.test(document.getElementById('ef-paste-status').textContent)`, { timeout: 20000 });
  const firstTitle = `Place zabaw i boiska ${TAG}`;
  await form.getByLabel('Tytuł').fill(firstTitle);
  // The works were in Budy (the importer placed the page at the office's
  // address): typed, a suggestion taken, then another Budy chosen.
  await chooseTown(form, page, 'Budy');
  await until(page, `document.querySelectorAll('#ef-candidates button').length > 0`, { timeout: 10000 });
  const before = await form.locator('#ef-where').textContent();
  await form.locator('#ef-candidates button').first().click();
  await until(page, `document.getElementById('ef-where').textContent !== ${JSON.stringify(before)}`);
  await form.getByRole('button', { name: 'Wyślij do redakcji' }).click();
  await until(page, `/Wysłano do redakcji/.test(document.getElementById('ef-status').textContent)`);
  const id = await form.getAttribute('data-entry');
  assert.ok(id);
  assert.equal((await publicView(id)).status, 404, 'not public while in review');

  // A contributor cannot reach the review queue.
  const anna = await apiSignIn('anna@example.org');
  assert.equal((await api(anna, 'GET', '/api/review/queue')).status, 403);

  // The editor asks for changes.
  const editor = await apiSignIn('redaktor@example.org');
  const queue = await api(editor, 'GET', '/api/review/queue');
  assert.equal(queue.status, 200);
  assert.ok(queue.text.includes(id), 'in the editors\' queue');
  const comment = `Proszę dopisać w tytule miejscowości (${TAG}).`;
  const asked = await api(editor, 'POST', `/api/entries/${encodeURIComponent(id)}/actions`, { action: 'request_changes', comment });
  assert.equal(asked.status, 200, asked.text);
  assert.equal(asked.body.status, 'changes_requested');

  // The contributor sees it in "Moje zgłoszenia" with the comment, fixes and resends.
  await page.locator('#edit-close').click();
  await page.getByRole('button', { name: 'Moje zgłoszenia' }).click();
  const item = page.locator(`#edit-view-mine li.mine-item[data-id="${id}"]`);
  await item.waitFor();
  assert.equal((await item.locator('.badge').textContent()).trim(), 'do poprawy');
  assert.match(await item.textContent(), new RegExp(comment.replace(/[()]/g, '\\$&')));
  await item.getByRole('button').click();
  await until(page, `document.getElementById('edit-dialog').dataset.view === 'form'`);
  assert.match(await form.locator('#ef-status').textContent(), /Uwaga redakcji/);
  const fixedTitle = `Place zabaw i boiska w Budach, Dzielicach i Rozdrażewku ${TAG}`;
  await form.getByLabel('Tytuł').fill(fixedTitle);
  await form.getByRole('button', { name: 'Wyślij do redakcji' }).click();
  await until(page, `/czeka na redakcję/.test(document.getElementById('ef-status').textContent)`);

  // The editor publishes; every public answer has it at once.
  const published = await api(editor, 'POST', `/api/entries/${encodeURIComponent(id)}/actions`, { action: 'publish' });
  assert.equal(published.status, 200, published.text);
  const seen = await publicView(id);
  assert.deepEqual(seen, { status: 200, title: fixedTitle, inList: true, inGeojson: fixedTitle, inCsv: true, ogc: 200 });

  // An anonymous visitor's page: in the list when searched, and its detail from a link.
  const anon = await openPage(browser);
  await anon.page.goto(`${BASE_EDIT}/?p=${encodeURIComponent(id)}&d=1`);
  await waitReady(anon.page);
  await until(anon.page, `(document.getElementById('detail-practice-title') || {}).textContent === ${JSON.stringify(fixedTitle)}`);
  await anon.page.locator('#f-q').fill(TAG);
  await until(anon.page, `document.getElementById('list').textContent.includes(${JSON.stringify(TAG)})`);
  assertClean(assert, anon.log);
  await anon.context.close();

  // The editor restores the first revision (the title as first sent); the public sees it.
  const history = await api(editor, 'GET', `/api/entries/${encodeURIComponent(id)}/history`);
  assert.equal(history.status, 200);
  const first = history.body[0];
  const restored = await api(editor, 'POST', `/api/entries/${encodeURIComponent(id)}/restore`, { revision: first.revision });
  assert.equal(restored.status, 200, restored.text);
  const after = await publicView(id);
  assert.equal(after.title, firstTitle);
  assert.equal(after.inGeojson, firstTitle);

  assertClean(assert, log);
  await context.close();
});
