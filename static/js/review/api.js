// The editing API as the review and account views use it: JSON in and out,
// the session's CSRF token (X-CSRF-Token) on every write, errors as
// ReviewError (status, code, the server's message).
//
// The session cookie is HttpOnly. Like the sign-in (static/js/edit/), the
// page asks /api/me only when a sign-in happened in this browser (the mark
// in localStorage), so a visitor who never signed in costs no request.

export const MARK = 'mapa-signed-in';

/** An error answered by the API. */
export class ReviewError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrf = '';

/** Whether this browser signed in (the mark the sign-in leaves). */
export function maybeSignedIn() {
  try {
    return localStorage.getItem(MARK) === '1';
  } catch (_) {
    return false;
  }
}

/** Sets or clears the mark. */
export function mark(on) {
  try {
    if (on) localStorage.setItem(MARK, '1');
    else localStorage.removeItem(MARK);
  } catch (_) {
    /* storage off: the next page load simply does not ask */
  }
}

/** A request; resolves to {body, etag, status}, rejects with ReviewError. */
export async function call(method, url, { json, headers = {} } = {}) {
  const h = { Accept: 'application/json', ...headers };
  if (method !== 'GET' && csrf) h['X-CSRF-Token'] = csrf;
  let payload;
  if (json !== undefined) {
    payload = JSON.stringify(json);
    h['Content-Type'] = 'application/json';
  }
  let resp;
  try {
    resp = await fetch(url, { method, headers: h, body: payload, credentials: 'same-origin' });
  } catch (e) {
    throw new ReviewError(0, 'network', String(e && e.message ? e.message : e));
  }
  let body = null;
  if (resp.status !== 204) {
    try {
      body = await resp.json();
    } catch (_) {
      body = null;
    }
  }
  if (!resp.ok) {
    const e = (body && body.error) || {};
    throw new ReviewError(resp.status, e.code || `http_${resp.status}`, e.message || resp.statusText);
  }
  return { body, etag: resp.headers.get('ETag') || '', status: resp.status };
}

/** The signed-in account (and its CSRF token), or null. */
export async function whoAmI() {
  try {
    const { body } = await call('GET', '/api/me');
    csrf = body.csrf_token || '';
    return body;
  } catch (e) {
    if (e.status === 401) mark(false);
    return null;
  }
}
