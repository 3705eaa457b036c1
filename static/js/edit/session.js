// The signed-in account on the page: sign in and out (POST/DELETE
// /api/session), who is signed in (GET /api/me), and every editing request,
// which carries the session's CSRF token (X-CSRF-Token) and, when the
// session has ended (401), tells the listeners so that the sign-in comes back.
//
// The session cookie is HttpOnly: the page cannot see it. A mark in
// localStorage says a sign-in happened in this browser, so that a visitor who
// never signed in costs the server no request at all; with the mark, the page
// asks /api/me once at start.

const MARK = 'mapa-signed-in';

/** An error answered by the editing API: status, code, message, and the field it names. */
export class EditError extends Error {
  constructor(status, code, message, retryAfter) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    // "properties.title: is required" → field "title"; "geometry: …" → "geometry".
    const m = /^(properties\.)?([a-z_]+(\[\d+\](\.[a-z_]+)?)?): (.*)$/s.exec(message || '');
    this.field = m && (m[1] || m[2] === 'geometry' || m[2] === 'comment') ? m[2] : '';
    this.why = m ? m[5] : message;
  }
}

/** A sign-in's error in words, from the strings `E` (i18n.js's `edit`). */
export function signInMessage(e, E) {
  if (!(e instanceof EditError) || e.status === 0) return E.errNetwork;
  if (e.status === 429) return E.errTooMany(e.retryAfter || 60);
  if (e.status === 401 && /disabled/i.test(e.message)) return E.errDisabled;
  if (e.status === 401) return E.errWrong;
  if (e.code === 'read_only') return E.errReadOnly;
  return E.errOther(e.message);
}

let me = null;
const listeners = new Set();

/** The signed-in account ({id, email, name, role, units, csrf_token}) or null. */
export function account() {
  return me;
}

/** Calls `fn(account, reason)` whenever the account changes (reason: 'signin', 'signout', 'expired'). */
export function onAccount(fn) {
  listeners.add(fn);
}

function setAccount(a, reason) {
  me = a;
  try {
    if (a) localStorage.setItem(MARK, '1');
    else localStorage.removeItem(MARK);
  } catch (_) {
    /* storage off: the page simply asks again after a reload */
  }
  for (const fn of listeners) fn(me, reason);
}

async function errorOf(resp) {
  let body = null;
  try {
    body = await resp.json();
  } catch (_) {
    body = null;
  }
  const e = (body && body.error) || {};
  const retry = Number(resp.headers.get('Retry-After')) || 0;
  return new EditError(resp.status, e.code || `http_${resp.status}`, e.message || resp.statusText, retry);
}

/**
 * An editing request: JSON in and out, the CSRF token on writes. Resolves to
 * {body, etag, status}; rejects with EditError (a 401 also ends the account
 * on the page, reason 'expired').
 */
export async function call(method, url, { json, body, type, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && me && me.csrf_token) h['X-CSRF-Token'] = me.csrf_token;
  let payload = body;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    h['Content-Type'] = type || 'application/json';
  } else if (type) {
    h['Content-Type'] = type;
  }
  let resp;
  try {
    resp = await fetch(url, { method, headers: h, body: payload, credentials: 'same-origin' });
  } catch (_) {
    throw new EditError(0, 'network', 'network');
  }
  if (!resp.ok) {
    const err = await errorOf(resp);
    if (resp.status === 401 && me) setAccount(null, 'expired');
    throw err;
  }
  const text = resp.status === 204 ? '' : await resp.text();
  return { status: resp.status, etag: resp.headers.get('ETag'), body: text ? JSON.parse(text) : null };
}

/** Signs in; resolves to the account, rejects with EditError. */
export async function signIn(email, password) {
  const r = await call('POST', '/api/session', { json: { email, password } });
  setAccount(r.body, 'signin');
  return r.body;
}

/** Signs out (the account ends on the page even when the server cannot be reached). */
export async function signOut() {
  try {
    await call('DELETE', '/api/session');
  } finally {
    setAccount(null, 'signout');
  }
}

/** At start: the account of an earlier sign-in in this browser, if its session still lives. */
export async function restore() {
  let marked = false;
  try {
    marked = localStorage.getItem(MARK) === '1';
  } catch (_) {
    marked = false;
  }
  if (!marked) return null;
  try {
    const r = await call('GET', '/api/me');
    setAccount(r.body, 'signin');
  } catch (_) {
    // The session ended while the page was closed: quietly signed out.
    setAccount(null, 'stale');
  }
  return me;
}

/** Whether the account reviews (publishes directly). */
export function reviews(a = me) {
  return !!a && (a.role === 'editor' || a.role === 'admin');
}
