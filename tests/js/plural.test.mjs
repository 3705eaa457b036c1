import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plural, countOf } from '../../static/js/plural.js';

const PL = { one: 'praktyka', few: 'praktyki', many: 'praktyk' };
const EN = { one: 'practice', other: 'practices' };

test('Polish plural forms follow the language rules', () => {
  const got = [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112, 1000].map((n) => `${n} ${plural('pl-PL', n, PL)}`);
  assert.deepEqual(got, [
    '0 praktyk', '1 praktyka', '2 praktyki', '4 praktyki', '5 praktyk', '11 praktyk', '12 praktyk',
    '14 praktyk', '21 praktyk', '22 praktyki', '25 praktyk', '102 praktyki', '112 praktyk', '1000 praktyk',
  ]);
  assert.equal(countOf('pl-PL', 15000, PL).replace(/\s/g, ' '), '15 000 praktyk');
});

test('English has one and other', () => {
  assert.equal(countOf('en-GB', 1, EN), '1 practice');
  assert.equal(countOf('en-GB', 2, EN), '2 practices');
  assert.equal(countOf('en-GB', 0, EN), '0 practices');
});
