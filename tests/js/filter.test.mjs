// The page's filter rule (static/js/filter.js): the same selection as the API's
// filters. The text part is checked on the fixture the Rust tests read
// (src/text_match.rs), the rest on small records shaped like the API's answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { makeMatcher, pageMatcher, nearKey, nearDistances, distOf, textIds, filterKey, selectionChanged } from '../../static/js/filter.js';
import { emptyState, parseState, apiFilterParams } from '../../static/js/state.js';

const fixture = (name) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

const rec = (id, p) => ({ id, p });
const A = rec('a', {
  title: 'Świetlica dla bezdomnych', area: 'pomoc-spoleczna', unit_type: 'gmina miejska', year: 2008,
  voivodeship: { teryt: '24' }, powiat: { teryt: '2404' }, gmina: { teryt: '2404011' }, town: 'Częstochowa',
});
const B = rec('b', {
  title: 'Oświetlenie ulic', area: 'efektywnosc-energetyczna', unit_type: 'gmina wiejska', year: 2012,
  voivodeship: { teryt: '12' }, powiat: { teryt: '1201' }, gmina: { teryt: '1201022' }, town: 'Bochnia',
});
const C = rec('c', { title: 'Budżet obywatelski', area: 'dialog-spoleczny', unit_type: 'powiat', year: null, voivodeship: { teryt: '24' } });
const ALL = [A, B, C];
const ids = (f, opts) => ALL.filter(makeMatcher({ ...emptyState(), ...f }, opts)).map((r) => r.id);

test('the text filter matches like src/text_match.rs (tests/fixtures/text_match.json)', () => {
  const cases = fixture('text_match.json');
  assert.ok(cases.some((c) => c.matches) && cases.some((c) => !c.matches));
  for (const c of cases) {
    const r = rec('x', { title: c.text });
    assert.equal(makeMatcher({ ...emptyState(), q: c.query })(r), c.matches, `${c.query} in ${c.text}`);
  }
});

test('no filter selects every practice', () => {
  assert.deepEqual(ids({}), ['a', 'b', 'c']);
});

test('area: a parent area includes its subareas, a subarea only itself', () => {
  assert.deepEqual(ids({ area: 'uslugi-spoleczne' }), ['a']);
  assert.deepEqual(ids({ area: 'pomoc-spoleczna' }), ['a']);
  assert.deepEqual(ids({ area: 'kultura' }), []);
});

test('voivodeship, powiat, gmina and unit type by TERYT code and name', () => {
  assert.deepEqual(ids({ woj: '24' }), ['a', 'c']);
  assert.deepEqual(ids({ woj: '24', pow: '2404' }), ['a']);
  assert.deepEqual(ids({ gmi: '1201022' }), ['b']);
  assert.deepEqual(ids({ ut: 'gmina wiejska' }), ['b']);
});

test('years: both ends included; a practice without a year is out once a year is asked for', () => {
  assert.deepEqual(ids({ yf: 2008 }), ['a', 'b']);
  assert.deepEqual(ids({ yt: 2008 }), ['a']);
  assert.deepEqual(ids({ yf: 2009, yt: 2012 }), ['b']);
  assert.deepEqual(ids({ yf: 2013 }), []);
});

test('text: inflected words in title and town; the API answer adds matches in bodies', () => {
  assert.deepEqual(ids({ q: 'bezdomnym' }), ['a']);
  assert.deepEqual(ids({ q: 'Częstochowy' }), ['a']);
  assert.deepEqual(ids({ q: 'ulicami' }), ['b']);
  assert.deepEqual(ids({ q: 'remont' }), []);
  assert.deepEqual(ids({ q: 'remont' }, { textIds: new Set(['c']) }), ['c']);
});

test('near: only the practices within the radius pass; filters combine', () => {
  assert.deepEqual(ids({}, { near: new Map([['b', 3.2]]) }), ['b']);
  assert.deepEqual(ids({ woj: '24' }, { near: new Map([['b', 3.2]]) }), []);
});

test('every filter the page applies is one the API is sent (the downloads hold the same selection)', () => {
  const s = parseState('?area=kultura&woj=24&pow=2404&gmi=2404011&ut=powiat&yf=2008&yt=2012&q=x&near=Zawiercie&r=5');
  assert.deepEqual([...apiFilterParams(s).keys()], ['category', 'voivodeship', 'powiat', 'gmina', 'unit_type', 'year_from', 'year_to', 'q', 'near', 'radius_km']);
});

test('the store helpers: near distances only for the answered query, text ids only for the asked text', () => {
  const state = { ...emptyState(), near: { place: '41-300', radius: 30 }, q: 'bezdomność' };
  const dist = new Map([['a', 4.5]]);
  const v = { state, nearResult: { key: nearKey(state.near), dist }, textResult: { key: 'bezdomn', ids: new Set(['c']) } };
  assert.equal(nearDistances(v), dist);
  assert.equal(distOf(v, A), 4.5);
  assert.equal(distOf(v, B), undefined);
  assert.deepEqual([...textIds(v)], ['c']);
  assert.deepEqual(ALL.filter(pageMatcher(v)).map((r) => r.id), ['a']);
  const other = { ...v, state: { ...state, near: { place: '41-300', radius: 10 }, q: 'inne' } };
  assert.equal(nearDistances(other), null, 'an answer for another radius is not used');
  assert.equal(textIds(other), null);
  assert.notEqual(filterKey(other), filterKey(v));
});

test('what can change the selection: the filters, the answers, or a note asking again', () => {
  const v = { state: emptyState(), nearResult: null, textResult: null };
  assert.equal(selectionChanged({ ...v, state: { ...v.state, view: { zoom: 7, lat: 52, lon: 19 }, p: 'x', choro: true } }, v), false);
  assert.equal(selectionChanged({ ...v, state: { ...v.state, woj: '24' } }, v), true);
  assert.equal(selectionChanged({ ...v, nearResult: { key: '', error: 'x' } }, v), true);
  assert.equal(selectionChanged(v, v, { refresh: true }), true);
});
