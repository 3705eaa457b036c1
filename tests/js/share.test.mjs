import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shareUrl, embedCode } from '../../static/js/share.js';
import { parseState } from '../../static/js/state.js';

test('the share link carries the state without embed; the iframe code embeds it', () => {
  const s = parseState('?area=kultura&q=bezdomno%C5%9B%C4%87&embed=1');
  const link = shareUrl('http://example.test', '/', s);
  assert.equal(link, 'http://example.test/?area=kultura&q=bezdomno%C5%9B%C4%87');
  const code = embedCode('http://example.test', '/', s, 'Mapa "praktyk"');
  assert.match(code, /^<iframe src="http:\/\/example\.test\/\?area=kultura&amp;q=bezdomno%C5%9B%C4%87&amp;embed=1" title="Mapa &quot;praktyk&quot;"/);
  assert.deepEqual(parseState(new URL(code.match(/src="([^"]+)"/)[1].replace(/&amp;/g, '&')).search).area, 'kultura');
});
