// The review view's comparison (static/js/review/diff.js): field by field,
// units and places as people read them, unchanged rows unmarked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffRows, showValue, pinOf, pinMoved } from '../../static/js/review/diff.js';

const feature = (props, lonlat) => ({
  type: 'Feature',
  geometry: lonlat ? { type: 'Point', coordinates: lonlat } : null,
  properties: props,
});

const OLD = feature({ title: 'Świetlica', area_name: 'Kultura', summary: 'Krótko.', gmina: { teryt: '121301', name: 'Oświęcim' }, websites: ['https://a.pl'], coordinates: { lat: 50.0352, lon: 19.2343, precision: 'manual' } }, [19.2343, 50.0352]);
const NEW = feature({ title: 'Świetlica dla dzieci', area_name: 'Kultura', summary: 'Krótko.', gmina: { teryt: '121301', name: 'Oświęcim' }, websites: ['https://a.pl', 'https://b.pl'], coordinates: { lat: 50.04, lon: 19.24, precision: 'manual' } }, [19.24, 50.04]);

test('changed fields are marked, unchanged ones not, empty ones left out', () => {
  const rows = diffRows(OLD, NEW);
  const by = Object.fromEntries(rows.map((r) => [r.key, r]));
  assert.deepEqual(rows.map((r) => r.key), ['title', 'area_name', 'summary', 'gmina', 'websites', 'coordinates']);
  assert.equal(by.title.changed, true);
  assert.equal(by.title.before, 'Świetlica');
  assert.equal(by.title.after, 'Świetlica dla dzieci');
  assert.equal(by.summary.changed, false);
  assert.equal(by.gmina.after, 'Oświęcim (121301)');
  assert.equal(by.websites.after, 'https://a.pl; https://b.pl');
  assert.equal(by.websites.changed, true);
  assert.equal(by.coordinates.after, '50.04000, 19.24000 (manual)');
});

test('a practice never published is all new content, nothing marked', () => {
  const rows = diffRows(null, NEW);
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => !r.changed && r.before === ''));
});

test('a field emptied is a change', () => {
  const rows = diffRows(OLD, feature({ ...NEW.properties, summary: '' }, [19.24, 50.04]));
  const s = rows.find((r) => r.key === 'summary');
  assert.deepEqual(s, { key: 'summary', before: 'Krótko.', after: '', changed: true });
});

test('pins', () => {
  assert.deepEqual(pinOf(NEW), [50.04, 19.24]);
  assert.equal(pinOf(feature({}, null)), null);
  assert.equal(pinMoved(pinOf(OLD), pinOf(NEW)), true);
  assert.equal(pinMoved(pinOf(OLD), pinOf(OLD)), false);
  assert.equal(pinMoved(null, pinOf(OLD)), true);
  assert.equal(showValue('contacts', [{ name: 'Jan', role: null }]), 'name: Jan');
});
