// "Dodaj praktykę", "Zaproponuj poprawkę" / "Edytuj" and "Moje zgłoszenia":
// the form with every field of a practice, filled by hand or from the
// importer's reading of a page ("Wklej treść strony", POST /api/import/read)
// with the words each field came from and the importer's doubts; checked by
// the server's own rules (and the server's answer shown beside the field it
// names); saved through OGC API – Features Part 4 (POST, or PUT with
// If-Match), as a draft (Prefer: draft) or sent for review (an editor's is
// published). Loaded on first use by account.js.

import { T, $, esc, store, lang } from '../context.js';
import { EditError, account, call, reviews } from './session.js';
import { setupPlace } from './place.js';
import { renderMine } from './mine.js';

const E = T.edit;
const ITEMS = '/ogc/collections/practices/items';
/** The unit types a record takes (the server's labels). */
const UNIT_TYPES = ['gmina miejska', 'gmina wiejska', 'gmina miejsko-wiejska', 'miasto na prawach powiatu', 'powiat', 'województwo'];
/** The server's limits (src/api/writes/input.rs). */
const MAX_TITLE = 500;
const MAX_LIST = 50;

let built = false;
let place = null;
let trigger = null;
/** What is being edited: {id, etag, base (the feature's properties), status} or null for a new practice. */
let current = null;
let contactCount = 0;
let readOptions = null;

const field = (name, label, control, { required = false, hint = '' } = {}) => `
  <div class="field" id="ef-${name}-box">
    <label for="ef-${name}">${esc(label)}${required ? ' <span class="req" aria-hidden="true">*</span>' : ''}</label>
    ${hint ? `<p class="hint" id="ef-${name}-hint">${esc(hint)}</p>` : ''}
    ${control}
    <p class="from" id="ef-${name}-from" hidden></p>
    <p class="field-error" id="ef-${name}-err"></p>
  </div>`;

const describedBy = (name, hint) => `aria-describedby="${hint ? `ef-${name}-hint ` : ''}ef-${name}-from ef-${name}-err"`;
const input = (name, { type = 'text', required = false, hint = false, extra = '' } = {}) =>
  `<input id="ef-${name}" name="${name}" type="${type}" ${required ? 'required aria-required="true"' : ''} ${describedBy(name, hint)} ${extra}>`;
const area = (name, rows, hint = false) => `<textarea id="ef-${name}" name="${name}" rows="${rows}" ${describedBy(name, hint)}></textarea>`;

function formHtml() {
  const L = E.labels;
  return `
  <form id="edit-form" class="edit-form" novalidate>
    <p class="muted">${esc(E.requiredNote)}</p>
    <div id="ef-errors" class="form-errors" role="alert" tabindex="-1" hidden></div>
    <details id="ef-paste" class="paste">
      <summary>${esc(E.paste)}</summary>
      <div class="stack">
        <p class="hint">${esc(E.pasteHint)}</p>
        <label for="ef-paste-text">${esc(E.pasteText)}</label>
        <textarea id="ef-paste-text" rows="5"></textarea>
        <label for="ef-paste-file">${esc(E.pasteFile)}</label>
        <input id="ef-paste-file" type="file" accept=".html,.htm,text/html,.txt,text/plain">
        <div id="ef-paste-address-box" hidden>
          <label for="ef-paste-address">${esc(E.pasteAddress)}</label>
          <input id="ef-paste-address" type="url" inputmode="url" placeholder="https://">
        </div>
        <button type="button" id="ef-paste-read" class="btn btn-secondary">${esc(E.pasteRead)}</button>
        <p id="ef-paste-status" class="status" role="status" aria-live="polite"></p>
      </div>
    </details>

    <fieldset><legend>${esc(E.groupPractice)}</legend>
      ${field('title', L.title, input('title', { required: true }), { required: true })}
      ${field('area', L.area, `<select id="ef-area" name="area" required aria-required="true" ${describedBy('area')}></select>`, { required: true })}
      ${field('summary', L.summary, area('summary', 3))}
      ${field('body', L.body, area('body', 6))}
    </fieldset>

    <fieldset><legend>${esc(E.groupPeriod)}</legend>
      <div class="two">
        ${field('period_start', L.period_start, input('period_start', { type: 'date' }))}
        ${field('period_end', L.period_end, input('period_end', { type: 'date' }))}
      </div>
      <div class="two">
        ${field('cost_pln', L.cost_pln, input('cost_pln', { hint: true, extra: 'inputmode="numeric" autocomplete="off"' }), { hint: E.costHint })}
      </div>
      ${field('funding', L.funding, area('funding', 2))}
    </fieldset>

    <fieldset><legend>${esc(E.groupUnit)}</legend>
      ${field('unit', L.unit, input('unit'))}
      ${field('unit_type', L.unit_type, `<select id="ef-unit_type" name="unit_type" ${describedBy('unit_type')}></select>`)}
      <div class="two">
        ${field('phone', L.phone, input('phone', { type: 'tel', extra: 'autocomplete="off"' }))}
        ${field('email', L.email, input('email', { type: 'email', extra: 'autocomplete="off"' }))}
      </div>
      ${field('websites', L.websites, area('websites', 2, true), { hint: E.websitesHint })}
    </fieldset>

    <fieldset id="ef-place-box" class="place-box"><legend>${esc(E.groupPlace)}</legend>
      <div class="field" id="ef-town-box">
        <label for="ef-town">${esc(L.town)}</label>
        <p class="hint" id="ef-town-hint">${esc(E.townHint)}</p>
        <div class="suggest-wrap">
          <input id="ef-town" name="town" type="text" autocomplete="off" aria-describedby="ef-town-hint ef-town-from ef-town-err ef-where">
          <ul id="ef-town-suggest" class="suggest" hidden></ul>
        </div>
        <p class="from" id="ef-town-from" hidden></p>
        <p class="field-error" id="ef-town-err"></p>
      </div>
      <div id="ef-candidates" class="candidates-box"></div>
      <div class="two">
        ${field('postal_code', L.postal_code, input('postal_code', { extra: 'inputmode="numeric" autocomplete="off" maxlength="6"' }))}
        ${field('street', L.street, input('street', { extra: 'autocomplete="off"' }))}
      </div>
      <p id="ef-map-hint" class="hint">${esc(E.mapHint)}</p>
      <div id="ef-map" class="edit-map" role="region" aria-label="${esc(E.mapLabel)}" aria-describedby="ef-map-hint"></div>
      <p id="ef-where" class="where" role="status" aria-live="polite" tabindex="-1"></p>
      <div class="two">
        <div class="field"><label for="ef-lat">${esc(E.lat)}</label><input id="ef-lat" type="text" inputmode="decimal" autocomplete="off"></div>
        <div class="field"><label for="ef-lon">${esc(E.lon)}</label><input id="ef-lon" type="text" inputmode="decimal" autocomplete="off"></div>
      </div>
      <p class="field-error" id="ef-geometry-err"></p>
    </fieldset>

    <fieldset id="ef-contacts-box"><legend>${esc(E.groupContacts)}</legend>
      <p class="hint" id="ef-contacts-rule">${esc(E.contactsRule)}</p>
      <ol id="ef-contacts" class="contacts"></ol>
      <button type="button" id="ef-contact-add" class="btn btn-secondary">${esc(E.contactAdd)}</button>
    </fieldset>

    <fieldset><legend>${esc(E.groupSource)}</legend>
      ${field('source_url', L.source_url, input('source_url', { type: 'url', extra: 'inputmode="url" autocomplete="off"' }))}
    </fieldset>

    <p id="ef-status" class="status" role="status" aria-live="polite"></p>
    <div class="row form-actions">
      <button type="button" id="ef-draft" class="btn btn-secondary grow">${esc(E.saveDraft)}</button>
      <button type="submit" id="ef-submit" class="btn btn-primary grow"></button>
    </div>
  </form>`;
}

function build() {
  const d = $('edit-dialog');
  d.innerHTML = `
    <div class="edit-head">
      <h2 id="edit-title" tabindex="-1"></h2>
      <button type="button" id="edit-close" class="btn btn-ghost icon-btn" aria-label="${esc(E.close)}" title="${esc(E.close)}">✕</button>
    </div>
    <div id="edit-view-form">${formHtml()}</div>
    <div id="edit-view-mine" hidden></div>`;
  $('edit-close').addEventListener('click', () => d.close());
  d.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') e.stopPropagation();
  });
  d.addEventListener('close', () => {
    if (trigger && document.body.contains(trigger)) trigger.focus();
  });
  const areaSel = $('ef-area');
  areaSel.innerHTML = `<option value="">${esc(E.chooseArea)}</option>`;
  for (const c of store.get().categories || []) {
    const o = document.createElement('option');
    o.value = c.slug;
    o.textContent = lang === 'en' ? c.name_en : c.path_pl || c.name_pl;
    areaSel.appendChild(o);
  }
  const ut = $('ef-unit_type');
  ut.innerHTML = `<option value="">${esc(E.noUnitType)}</option>`;
  for (const t of UNIT_TYPES) {
    const o = document.createElement('option');
    o.value = t;
    o.textContent = t;
    ut.appendChild(o);
  }
  place = setupPlace();
  $('ef-contact-add').addEventListener('click', () => addContact({}, true));
  $('ef-paste-read').addEventListener('click', readPage);
  $('ef-draft').addEventListener('click', () => save(true));
  $('edit-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    save(false);
  });
  $('ef-errors').addEventListener('click', (ev) => {
    const a = ev.target.closest('a[data-field]');
    if (!a) return;
    ev.preventDefault();
    const el = $(a.dataset.field);
    if (el) el.focus();
  });
  built = true;
}

function addContact(c, focus) {
  if ($('ef-contacts').children.length >= MAX_LIST) return;
  const i = contactCount++;
  const li = document.createElement('li');
  li.className = 'contact';
  li.dataset.i = String(i);
  const f = (k, label, type = 'text') => `
    <div class="field">
      <label for="ef-contact-${i}-${k}">${esc(label)}${k === 'name' ? ' <span class="req" aria-hidden="true">*</span>' : ''}</label>
      <input id="ef-contact-${i}-${k}" data-k="${k}" type="${type}" autocomplete="off" ${k === 'name' ? 'required aria-required="true"' : ''} aria-describedby="ef-contact-${i}-${k}-err${k === 'phone' || k === 'email' ? ' ef-contacts-rule' : ''}">
      <p class="field-error" id="ef-contact-${i}-${k}-err"></p>
    </div>`;
  li.innerHTML = `<div class="two">${f('name', E.contactName)}${f('role', E.contactRole)}</div>
    <div class="two">${f('phone', E.contactPhone, 'tel')}${f('email', E.contactEmail, 'email')}</div>
    <button type="button" class="btn btn-ghost contact-remove">${esc(E.contactRemove)}</button>`;
  for (const k of ['name', 'role', 'phone', 'email']) li.querySelector(`[data-k="${k}"]`).value = c[k] || '';
  li.querySelector('.contact-remove').addEventListener('click', () => {
    li.remove();
    $('ef-contact-add').focus();
  });
  $('ef-contacts').appendChild(li);
  if (focus) li.querySelector('input').focus();
}

const SIMPLE = ['title', 'area', 'summary', 'body', 'period_start', 'period_end', 'funding', 'unit', 'unit_type', 'phone', 'email', 'postal_code', 'street', 'source_url'];

/** Fills the form from a feature (a reading, an entry), with the words and doubts of a reading. */
function fill(feature, { from = {}, doubts = [] } = {}) {
  const p = (feature && feature.properties) || {};
  for (const k of SIMPLE) $(`ef-${k}`).value = p[k] === null || p[k] === undefined ? '' : String(p[k]);
  $('ef-cost_pln').value = p.cost_pln === null || p.cost_pln === undefined ? '' : String(p.cost_pln);
  $('ef-websites').value = (p.websites || []).join('\n');
  $('ef-town').value = p.town || p.town_as_given || '';
  $('ef-contacts').innerHTML = '';
  for (const c of p.contacts || []) addContact(c, false);
  place.set(feature);
  // The words each field came from, and the doubts, beside the fields.
  for (const el of document.querySelectorAll('#edit-form .from')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of document.querySelectorAll('#edit-form .doubt')) el.classList.remove('doubt');
  for (const el of document.querySelectorAll('#edit-form .doubt-note')) el.remove();
  const fromOf = { period_start: 'period_start', cost_pln: 'cost_pln', area: 'area', funding: 'funding', unit: 'unit', town: 'town' };
  for (const [k, words] of Object.entries(from)) {
    const el = $(`ef-${fromOf[k] || k}-from`);
    if (!el || !words || !words.length) continue;
    el.textContent = E.fromWords(words.map((w) => `«${w}»`).join(', '));
    el.hidden = false;
  }
  for (const d of doubts) {
    const key = d.field === 'geometry' ? 'town' : d.field;
    const box = $(`ef-${key}-box`) || $('ef-body-box');
    box.classList.add('doubt');
    const note = document.createElement('p');
    note.className = 'doubt-note';
    const known = E.doubtReasons.find(([re]) => new RegExp(re).test(d.reason));
    note.textContent = E.doubt(known ? d.reason.replace(new RegExp(re0(known[0])), known[1]) : d.reason);
    box.querySelector('label').after(note);
    const control = $(`ef-${key}`);
    if (control) {
      note.id = `ef-${key}-doubt`;
      control.setAttribute('aria-describedby', `${note.id} ${control.getAttribute('aria-describedby') || ''}`.trim());
    }
  }
  clearErrors();
}

/** A whole-reason pattern (the translation replaces the whole reason). */
const re0 = (re) => `${re.replace(/\$$/, '')}.*$`;

function clearErrors() {
  for (const el of document.querySelectorAll('#edit-form .field-error')) el.textContent = '';
  for (const el of document.querySelectorAll('#edit-form [aria-invalid]')) el.removeAttribute('aria-invalid');
  $('ef-errors').hidden = true;
  $('ef-errors').innerHTML = '';
}

/** The element a field's error goes beside (`contacts[0].name`, `websites[2]`, `geometry`). */
function controlOf(f) {
  let m = /^contacts\[(\d+)\]\.([a-z]+)$/.exec(f);
  if (m) {
    const li = $('ef-contacts').children[Number(m[1])];
    return li ? li.querySelector(`[data-k="${m[2]}"]`) : $('ef-contact-add');
  }
  m = /^([a-z_]+)\[\d+\]$/.exec(f);
  if (m) return $(`ef-${m[1]}`);
  if (f === 'geometry') return $('ef-lat');
  if (f === 'town_as_given') return $('ef-town');
  return $(`ef-${f}`);
}

function showErrors(errors) {
  clearErrors();
  if (!errors.length) return;
  const items = [];
  for (const { field: f, msg } of errors) {
    const el = controlOf(f);
    const errEl = f === 'geometry' ? $('ef-geometry-err') : el && $(`${el.id}-err`);
    if (el) el.setAttribute('aria-invalid', 'true');
    if (errEl) errEl.textContent = msg;
    const label = el ? document.querySelector(`label[for="${el.id}"]`) : null;
    const name = label ? label.textContent.replace(/\s*\*$/, '') : f;
    items.push(`<li><a href="#${el ? el.id : ''}" data-field="${el ? el.id : ''}">${esc(name)}: ${esc(msg)}</a></li>`);
  }
  const box = $('ef-errors');
  box.innerHTML = `<p>${esc(E.errorsHead(errors.length))}</p><ul>${items.join('')}</ul>`;
  box.hidden = false;
  const first = controlOf(errors[0].field);
  if (first) first.focus();
}

/** The server's reason in the page's language (its rules: src/api/writes/input.rs). */
export function why(reason) {
  const r = String(reason || '');
  let m;
  if (/^is required/.test(r)) return E.vRequired;
  if ((m = /^longer than (\d+) characters/.exec(r))) return E.vTooLong(Number(m[1]));
  if (/is not a date YYYY-MM-DD/.test(r)) return E.vDate;
  if (/is before period_start/.test(r)) return E.vPeriod;
  if (/is not a postal code/.test(r)) return E.vPostal;
  if (/is not a web address/.test(r) || /^(relative URL|invalid|not an http)/i.test(r)) return E.vWeb;
  if (/outside Poland/.test(r)) return E.vOutside;
  if (/^unknown area/.test(r)) return E.vRequired;
  if (/whole number/.test(r)) return E.vWhole;
  if (/control character/.test(r)) return E.vControl;
  return E.vServer(r);
}

/** The form's checks, the server's rules: [{field, msg}]. */
function check(props) {
  const errs = [];
  const add = (f, msg) => errs.push({ field: f, msg });
  if (!props.title) add('title', E.vRequired);
  else if ([...props.title].length > MAX_TITLE) add('title', E.vTooLong(MAX_TITLE));
  if (!props.area) add('area', E.vRequired);
  const date = /^\d{4}-\d{2}-\d{2}$/;
  for (const k of ['period_start', 'period_end']) if (props[k] && !date.test(props[k])) add(k, E.vDate);
  if (props.period_start && props.period_end && props.period_end < props.period_start) add('period_end', E.vPeriod);
  const cost = $('ef-cost_pln').value.replace(/[\s\u00a0]/g, '');
  if (cost && !/^\d+$/.test(cost)) add('cost_pln', E.vWhole);
  if (props.postal_code && !/^\d{2}-\d{3}$/.test(props.postal_code)) add('postal_code', E.vPostal);
  if (props.source_url && !/^https?:\/\/[^\s/]+\.[^\s]*$/i.test(props.source_url)) add('source_url', E.vWeb);
  props.websites.forEach((w, i) => {
    const lower = w.toLowerCase();
    const scheme = lower.includes(':') ? lower.split(':')[0] : '';
    if (/\s/.test(w) || (scheme && !/^https?$/.test(scheme) && !/^\d+$/.test(scheme))) add(`websites[${i}]`, E.vWeb);
  });
  if (props.websites.length > MAX_LIST) add('websites[0]', E.vTooMany(MAX_LIST));
  props.contacts.forEach((c, i) => {
    if (!c.name) add(`contacts[${i}].name`, E.vRequired);
  });
  for (const [k, v] of Object.entries(props)) {
    // eslint-disable-next-line no-control-regex
    if (typeof v === 'string' && /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(v)) add(k, E.vControl);
  }
  return errs;
}

/** The feature the form describes, over the record's other properties. */
function featureOfForm() {
  const props = { ...((current && current.base) || {}) };
  const text = (id) => {
    const v = $(id).value.trim();
    return v === '' ? null : v;
  };
  for (const k of SIMPLE) props[k] = text(`ef-${k}`);
  const cost = $('ef-cost_pln').value.replace(/[\s\u00a0]/g, '');
  props.cost_pln = /^\d+$/.test(cost) ? Number(cost) : null;
  props.websites = $('ef-websites').value.split('\n').map((w) => w.trim()).filter(Boolean);
  props.town = text('ef-town');
  props.town_as_given = props.town;
  props.contacts = [...$('ef-contacts').children].map((li) => {
    const c = {};
    for (const k of ['name', 'role', 'phone', 'email']) {
      const v = li.querySelector(`[data-k="${k}"]`).value.trim();
      c[k] = v === '' ? null : v;
    }
    return c;
  });
  return { type: 'Feature', geometry: place.geometry(), properties: props };
}

async function save(draft) {
  const feature = featureOfForm();
  const errs = check({ ...feature.properties, websites: feature.properties.websites, contacts: feature.properties.contacts });
  // The cost's text is checked as typed (the record holds a number).
  if (errs.length) {
    showErrors(errs);
    return;
  }
  clearErrors();
  const status = $('ef-status');
  status.classList.remove('error');
  status.textContent = E.saving;
  $('ef-draft').disabled = true;
  $('ef-submit').disabled = true;
  const headers = {};
  if (draft) headers.Prefer = 'draft';
  try {
    let r;
    if (current && current.id) {
      headers['If-Match'] = current.etag;
      r = await call('PUT', `${ITEMS}/${encodeURIComponent(current.id)}`, { json: feature, type: 'application/geo+json', headers });
    } else {
      r = await call('POST', ITEMS, { json: feature, type: 'application/geo+json', headers });
    }
    const e = r.body;
    current = { id: e.feature.id, etag: e.etag, base: e.feature.properties, status: e.status };
    $('edit-dialog').dataset.entry = current.id;
    status.textContent = savedMessage(e);
  } catch (err) {
    status.classList.add('error');
    if (err instanceof EditError && err.field) {
      status.textContent = E.notSaved;
      showErrors([{ field: err.field, msg: why(err.why) }]);
    } else {
      status.textContent = failMessage(err);
    }
  } finally {
    $('ef-draft').disabled = false;
    $('ef-submit').disabled = false;
  }
}

function savedMessage(e) {
  if (e.pending) return E.savedPending(E.statuses[e.pending.status] || e.pending.status);
  if (e.status === 'draft') return E.savedDraft;
  if (e.status === 'published') return E.savedPublished;
  return E.savedAs(E.statuses[e.status] || e.status_label);
}

function failMessage(err) {
  if (!(err instanceof EditError) || err.status === 0) return E.errNetwork;
  if (err.status === 401) return E.sessionEndedSave;
  if (err.status === 412) return E.errStale;
  if (err.status === 403) return E.errForbidden;
  if (err.status === 404) return E.errGone;
  if (err.status === 413) return E.errTooBig;
  return E.errOther(err.message);
}

/** "Wczytaj": the importer's reading of the pasted text, the chosen file or the address. */
async function readPage() {
  const st = $('ef-paste-status');
  st.classList.remove('error');
  const text = $('ef-paste-text').value;
  const file = $('ef-paste-file').files[0];
  const address = $('ef-paste-address').value.trim();
  let req;
  if (file) req = { body: await file.arrayBuffer(), type: /\.txt$/i.test(file.name) ? 'text/plain' : 'text/html' };
  else if (text.trim()) req = { body: text, type: /^\s*</.test(text) ? 'text/html' : 'text/plain; charset=utf-8' };
  else if (address) req = { json: { address } };
  else {
    st.classList.add('error');
    st.textContent = E.pasteNothing;
    $('ef-paste-text').focus();
    return;
  }
  if (req.body && (req.body.byteLength || new Blob([req.body]).size) > (readOptions ? readOptions.max_bytes : 2097152)) {
    st.classList.add('error');
    st.textContent = E.errTooBig;
    return;
  }
  st.textContent = E.pasteReading;
  $('ef-paste-read').disabled = true;
  try {
    const r = await call('POST', '/api/import/read', req);
    const reading = r.body;
    // Only the reading's fields: what is edited keeps its id and version.
    fill(reading.feature, { from: reading.from, doubts: reading.doubts });
    const n = Object.keys(reading.from || {}).length;
    st.textContent = E.pasteDone(n, (reading.doubts || []).length);
    $('ef-title').focus();
  } catch (err) {
    st.classList.add('error');
    st.textContent = err instanceof EditError && err.status === 422 ? E.pasteUnreadable(err.message) : failMessage(err);
  } finally {
    $('ef-paste-read').disabled = false;
  }
}

async function loadReadOptions() {
  if (readOptions) return;
  try {
    readOptions = (await call('GET', '/api/import/options')).body;
  } catch (_) {
    readOptions = { fetch: false, max_bytes: 2097152 };
  }
  $('ef-paste-address-box').hidden = !readOptions.fetch;
}

function show(view, title, from) {
  if (!built) build();
  trigger = from || document.activeElement;
  const d = $('edit-dialog');
  $('edit-view-form').hidden = view !== 'form';
  $('edit-view-mine').hidden = view !== 'mine';
  $('edit-title').textContent = title;
  d.dataset.view = view;
  if (!d.open) d.showModal();
  if (view === 'form') place.refresh();
  $('edit-title').focus();
}

function setButtons() {
  $('ef-submit').textContent = reviews(account()) ? E.publish : E.submit;
  $('ef-status').textContent = '';
  $('ef-status').classList.remove('error');
  $('ef-paste-status').textContent = '';
  $('ef-paste-text').value = '';
  $('ef-paste-file').value = '';
  $('ef-paste-address').value = '';
}

/** "Dodaj praktykę": an empty form, the page reading open. */
export async function openNew(from) {
  current = null;
  show('form', E.addPractice, from);
  setButtons();
  fill(null);
  $('edit-dialog').dataset.entry = '';
  $('ef-paste').open = true;
  place.refresh();
  loadReadOptions();
}

/** An entry of the account's (or, for an editor, any) opened in the form. */
export function openEntry(e, from) {
  const f = e.feature;
  current = { id: f.id, etag: e.etag, base: f.properties, status: e.status };
  show('form', E.editTitle(f.properties.title), from);
  setButtons();
  fill(f);
  $('edit-dialog').dataset.entry = f.id;
  $('ef-paste').open = false;
  place.refresh();
  loadReadOptions();
  if (e.comments && e.comments.length) {
    const c = e.comments[e.comments.length - 1];
    $('ef-status').textContent = E.lastComment(c.author_name, c.text);
  }
}

/** "Zaproponuj poprawkę" / "Edytuj" from the detail panel: the practice's entry, prefilled. */
export async function openExisting(id, from) {
  try {
    const r = await call('GET', `/api/entries/${encodeURIComponent(id)}`);
    openEntry(r.body, from);
  } catch (err) {
    show('form', E.addPractice, from);
    $('ef-status').classList.add('error');
    $('ef-status').textContent = failMessage(err);
  }
}

/** "Moje zgłoszenia". */
export async function openMine(from) {
  show('mine', E.mine, from);
  await renderMine($('edit-view-mine'), { open: (e, b) => openEntry(e, b), failMessage });
}
