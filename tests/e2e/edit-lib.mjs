// What the editing tests share (edit-form, edit-journey): signing in through
// the page and through the API, and API calls with the session's CSRF token.

import assert from 'node:assert/strict';
import { BASE_EDIT, PASSWORD, until } from './lib.mjs';

/** Signs in through the API as a script would: the cookie and the CSRF token. */
export async function apiSignIn(email) {
  const r = await fetch(`${BASE_EDIT}/api/session`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD }),
  });
  assert.equal(r.status, 200, await r.clone().text());
  const body = await r.json();
  return { cookie: r.headers.get('set-cookie').split(';')[0], csrf: body.csrf_token };
}

/** An API call in `who`'s session: {status, body, text}. */
export async function api(who, method, url, json) {
  const headers = { Cookie: who.cookie, 'X-CSRF-Token': who.csrf };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(BASE_EDIT + url, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
  const text = await r.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch (_) {
    body = null;
  }
  return { status: r.status, body, text };
}

/** Signs in through the page's dialog ("Zaloguj", "E-mail", "Hasło"). */
export async function signIn(page, email, password = PASSWORD) {
  await page.getByRole('button', { name: 'Zaloguj', exact: true }).first().click();
  const dialog = page.locator('#signin-dialog');
  await dialog.getByLabel('E-mail').fill(email);
  await dialog.getByLabel('Hasło').fill(password);
  await dialog.getByRole('button', { name: 'Zaloguj' }).click();
}

/** Signs in and waits for the account bar. */
export async function signedIn(page, email) {
  await signIn(page, email);
  await until(page, `!document.getElementById('account-bar').hidden`);
}

/** Types a town into the form's "Miejscowość" and takes the first suggestion with the keyboard. */
export async function chooseTown(form, page, name) {
  const field = form.getByLabel('Miejscowość');
  await field.fill('');
  await field.pressSequentially(name, { delay: 40 });
  await until(page, `document.querySelectorAll('#ef-town-suggest li').length > 1`);
  await field.press('ArrowDown');
  await field.press('Enter');
}
