// The page's text folding and matching against the fixtures the Rust tests read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fold, queryStems, searchText, matches, stem } from '../../static/js/text.js';

const fixture = (name) => JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8'));

test('folds like src/gazetteer/normalize.rs (tests/fixtures/folding.json)', () => {
  const cases = fixture('folding.json');
  assert.ok(cases.length >= 10);
  for (const [input, folded] of cases) assert.equal(fold(input), folded, `fold(${JSON.stringify(input)})`);
});

test('matches like src/text_match.rs (tests/fixtures/text_match.json)', () => {
  const cases = fixture('text_match.json');
  assert.ok(cases.some((c) => c.matches) && cases.some((c) => !c.matches));
  for (const c of cases) {
    assert.equal(matches(queryStems(c.query), searchText([c.text])), c.matches, `${c.query} in ${c.text}`);
  }
});

test('stems keep four letters and leave digits whole', () => {
  assert.equal(stem('bezdomnosc'), 'bezdomn');
  assert.equal(stem('nowa'), 'nowa');
  assert.deepEqual(queryStems('Bezdomność, 500+'), ['bezdomn', '500']);
});
