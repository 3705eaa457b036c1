// The editing side's pure parts (static/js/edit/session.js): the server's
// field errors read into the field they name, and sign-in errors in words.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EditError, signInMessage } from '../../static/js/edit/session.js';
import { strings } from '../../static/js/i18n.js';

test('a field error names its field, and only a field error does', () => {
  const e = new EditError(422, 'invalid_field', 'properties.title: is required');
  assert.equal(e.field, 'title');
  assert.equal(e.why, 'is required');
  const c = new EditError(422, 'invalid_field', 'properties.contacts[0].name: is required');
  assert.equal(c.field, 'contacts[0].name');
  const g = new EditError(422, 'invalid_field', 'geometry: the point 30 60 (lon lat) is outside Poland');
  assert.equal(g.field, 'geometry');
  assert.match(g.why, /outside Poland/);
  // A sentence that happens to have a colon is no field error.
  assert.equal(new EditError(403, 'forbidden', 'not allowed: only its author may change it').field, '');
  assert.equal(new EditError(401, 'unauthorized', 'the session has ended; sign in first').field, '');
});

test('sign-in errors in Polish and English', () => {
  const pl = strings('pl').edit;
  const en = strings('en').edit;
  const wrong = new EditError(401, 'unauthorized', 'wrong e-mail or password');
  assert.equal(signInMessage(wrong, pl), 'Nieprawidłowy e-mail lub hasło.');
  assert.equal(signInMessage(wrong, en), 'Wrong e-mail or password.');
  const many = new EditError(429, 'too_many_requests', 'too many failed sign-ins; try again in 30 s', 30);
  assert.equal(signInMessage(many, pl), 'Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za 30 s.');
  const disabled = new EditError(401, 'unauthorized', 'the account is disabled');
  assert.match(signInMessage(disabled, pl), /wyłączone/);
  assert.match(signInMessage(new EditError(403, 'read_only', 'read-only'), pl), /tylko do odczytu/);
  assert.match(signInMessage(new EditError(0, 'network', 'network'), pl), /połączenia/);
  assert.match(signInMessage(new Error('x'), en), /cannot be reached/);
});

test('every editing string has its English', () => {
  const pl = strings('pl').edit;
  const en = strings('en').edit;
  for (const k of Object.keys(pl)) {
    if (k === 'doubtReasons') continue;
    assert.notDeepEqual(en[k], undefined, k);
    if (typeof pl[k] === 'string' && !['email', 'contactEmail'].includes(k)) assert.notEqual(en[k], pl[k], `${k} is translated`);
  }
});
