import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseState, formatState, apiFilterParams, parseRadius, parseYear, DEFAULT_RADIUS_KM, UNIT_TYPES } from '../../static/js/state.js';

test('a state survives the URL round trip', () => {
  const q = '?lang=en&map=9/50.3/19.2&area=kultura&woj=24&pow=2404&gmi=240413&yf=2008&yt=2012&q=bezdomno%C5%9B%C4%87&nlat=52.1479&nlon=19.8095&nname=Zduny&nprec=postal_area&r=2.5&p=x1&d=1&embed=1';
  const s = parseState(q);
  assert.equal(s.pow, '2404');
  assert.equal(s.gmi, '240413');
  assert.equal(s.yf, 2008);
  assert.equal(s.yt, 2012);
  assert.deepEqual(s.near, { lat: 52.1479, lon: 19.8095, radius: 2.5, name: 'Zduny', prec: 'postal_area' });
  assert.equal(s.embed, true);
  assert.deepEqual(parseState(formatState(s)), s);
});

test('nonsense in the URL is dropped, not kept', () => {
  const s = parseState('?pow=abc&gmi=1&yf=20&yt=x&r=5000');
  assert.equal(s.pow, '');
  assert.equal(s.gmi, '');
  assert.equal(s.yf, null);
  assert.equal(s.yt, null);
  assert.equal(formatState(s), '');
  assert.equal(parseState('?near=Zawiercie&r=0').near.radius, DEFAULT_RADIUS_KM);
});

test('radius and year as typed', () => {
  assert.equal(parseRadius('2,5'), 2.5);
  assert.equal(parseRadius('0.5'), 0.5);
  assert.equal(parseRadius('1000'), 1000);
  for (const bad of ['0', '5000', '', 'abc', '-3', '1e3']) assert.ok(Number.isNaN(parseRadius(bad)), bad);
  assert.equal(parseYear(''), null);
  assert.equal(parseYear('2010'), 2010);
  assert.ok(Number.isNaN(parseYear('10')));
});

test('API filter parameters name the same selection', () => {
  const s = parseState('?area=kultura&woj=24&pow=2404&gmi=240413&yf=2008&yt=2012&q=x&near=Zawiercie&r=2.5');
  assert.equal(
    apiFilterParams(s).toString(),
    'category=kultura&voivodeship=24&powiat=2404&gmina=240413&year_from=2008&year_to=2012&q=x&near=Zawiercie&radius_km=2.5',
  );
});

test('the unit type survives the URL, names the API filter, and an unknown one is dropped', () => {
  const s = parseState('?ut=gmina+miejsko-wiejska&area=kultura');
  assert.equal(s.ut, 'gmina miejsko-wiejska');
  assert.deepEqual(parseState(formatState(s)), s);
  assert.equal(apiFilterParams(s).get('unit_type'), 'gmina miejsko-wiejska');
  for (const u of UNIT_TYPES) assert.equal(parseState(formatState({ ...parseState(''), ut: u })).ut, u);
  assert.equal(parseState('?ut=gmina').ut, '');
  assert.equal(parseState('?ut=Powiat').ut, '');
});
