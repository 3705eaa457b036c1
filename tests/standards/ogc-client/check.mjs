// Reads /ogc with @camptocamp/ogc-client as GeoNetwork-UI does: the endpoint,
// the collection, and items with a bbox (the client always sends
// skipGeometry), sortby and properties. Prints "N passed, M failed" and exits
// non-zero on any failure.
//
//   node check.mjs http://127.0.0.1:PORT
import { OgcApiEndpoint } from '@camptocamp/ogc-client';

const base = process.argv[2];
let passed = 0;
let failed = 0;

async function check(name, fn) {
  try {
    await fn();
    passed += 1;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${name}: ${e && e.stack ? e.stack : e}`);
  }
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

const endpoint = new OgcApiEndpoint(`${base}/ogc`);

await check('the endpoint offers the practices feature collection', async () => {
  const collections = await endpoint.featureCollections;
  assert(collections.includes('practices'), `collections: ${JSON.stringify(collections)}`);
  assert(await endpoint.hasFeatures, 'hasFeatures is false');
});

await check('the collection info has queryables and a bounding box', async () => {
  const info = await endpoint.getCollectionInfo('practices');
  assert(info.id === 'practices', `id ${info.id}`);
  const names = (info.queryables || []).map((q) => q.name);
  assert(names.includes('voivodeship') && names.includes('area'), `queryables ${names}`);
});

await check('a bbox query around Silesia and Lesser Poland', async () => {
  const items = await endpoint.getCollectionItems(
    'practices', 100, 0, null, null, [18.5, 49.5, 19.8, 50.6],
  );
  const towns = items.map((f) => f.properties.town).sort();
  assert(
    JSON.stringify(towns) === JSON.stringify(['Dąbrowa Górnicza', 'Oświęcim', 'Zawiercie']),
    `towns ${JSON.stringify(towns)}`,
  );
});

await check('skipGeometry, sortby and properties', async () => {
  const items = await endpoint.getCollectionItems(
    'practices', 100, 0, true, ['-town'], null, ['title', 'town'],
  );
  assert(items.length === 5, `${items.length} items`);
  assert(items.every((f) => f.geometry === null || f.geometry === undefined), 'geometry present');
  const keys = Object.keys(items[0].properties).sort();
  assert(JSON.stringify(keys) === '["title","town"]', `properties ${keys}`);
  const towns = items.map((f) => f.properties.town);
  const sorted = [...towns].sort((a, b) => b.localeCompare(a, 'pl'));
  assert(JSON.stringify(towns) === JSON.stringify(sorted), `order ${towns}`);
});

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
