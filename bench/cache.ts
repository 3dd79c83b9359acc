/**
 * The pure cache path, without HTTP: `npx tsx bench/cache.ts` (add `--expose-gc` before the file for steadier
 * memory figures). Prints a table:
 *   1. key build + memory-tier get of a 1 KB entry, and the whole facade hit path (lookup + acquire);
 *   2. 1,000,000 distinct 1 KB entries into a memory tier bounded to 64 MiB: accounted bytes and RSS stay bounded.
 */
import { defaultCacheConfig } from '../src/cache/cache-config.js';
import type { CacheEntry } from '../src/cache/cache-entry.js';
import { buildCacheKey, type CacheKeyInput } from '../src/cache/cache-key.js';
import { openQueryCache, type CacheRequest } from '../src/cache/create-query-cache.js';
import { createMemoryStore } from '../src/cache/memory-store.js';
import type { StatementClassification } from '../src/sql/types.js';

const mib = 1024 * 1024;
const rows: Array<[string, string]> = [];
const gc = (globalThis as { gc?: () => void }).gc;

function entryOf(body: Buffer): CacheEntry {
  const now = Date.now();
  return {
    status: 200,
    headers: { 'content-type': 'text/tab-separated-values; charset=UTF-8', 'x-clickhouse-server-display-name': 'replica-1' },
    body,
    storedAtMs: now,
    expiresAtMs: now + 3_600_000,
    tables: ['analytics.events'],
  };
}

function opsPerSecond(label: string, iterations: number, run: (i: number) => void): void {
  for (let i = 0; i < Math.min(iterations, 20_000); i += 1) run(i); // warm-up
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) run(i);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rows.push([label, `${Math.round(iterations / seconds).toLocaleString('en-US')} ops/s (${((seconds / iterations) * 1e6).toFixed(2)} µs/op)`]);
}

async function asyncOpsPerSecond(label: string, iterations: number, run: () => Promise<void>): Promise<void> {
  for (let i = 0; i < 20_000; i += 1) await run();
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i += 1) await run();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  rows.push([label, `${Math.round(iterations / seconds).toLocaleString('en-US')} ops/s (${((seconds / iterations) * 1e6).toFixed(2)} µs/op)`]);
}

async function hitPath(): Promise<void> {
  const keyInput: CacheKeyInput = {
    statement: 'SELECT toStartOfHour(ts) AS h, count() FROM analytics.events WHERE site_id = 42 GROUP BY h ORDER BY h FORMAT JSONCompact',
    database: 'analytics',
    params: new URLSearchParams('database=analytics&max_execution_time=30&query_id=abc&param_site=42&enable_http_compression=1'),
    acceptEncoding: 'gzip, deflate, br',
    cluster: 'main',
    backendUser: 'chgate_reader',
    scope: 'user:grafana',
    versions: { epoch: 3, scopes: [['d:analytics', 0], ['t:analytics.events', 17]] },
  };
  const memory = createMemoryStore({ maxBytes: 64 * mib });
  const key = buildCacheKey(keyInput);
  memory.set(key, entryOf(Buffer.alloc(1024, 'x')));
  opsPerSecond('key build (sha256)', 300_000, () => void buildCacheKey(keyInput));
  opsPerSecond('memory-tier get, 1 KB entry', 3_000_000, () => void memory.get(key, 0));
  opsPerSecond('key build + memory-tier get, 1 KB', 300_000, () => {
    if (!memory.get(buildCacheKey(keyInput), 0)) throw new Error('expected a hit');
  });

  const cache = await openQueryCache({ ...defaultCacheConfig, store: { ...defaultCacheConfig.store, kind: 'memory' } }, { queryWriter: async () => '' });
  const request: CacheRequest = {
    method: 'POST',
    params: keyInput.params as URLSearchParams,
    acceptEncoding: keyInput.acceptEncoding,
    proxyUser: 'grafana',
    cluster: 'main',
    backendUser: 'chgate_reader',
  };
  const statement: StatementClassification = {
    type: 'select', route: 'read', tablesRead: ['events'], tablesWritten: [], tableFunctions: [], dictionaries: [],
    databasesWritten: [], cacheable: true, unknown: false, normalized: keyInput.statement, fingerprint: '',
  };
  const first = await cache.lookup(request, [statement]);
  if (first.mode !== 'use') throw new Error('expected use');
  const fill = await cache.acquire(first);
  if (fill.kind !== 'fill') throw new Error('expected a fill');
  fill.push(Buffer.alloc(1024, 'x'));
  await fill.finish({ status: 200, headers: {}, cutOff: false, servedByWriter: true });
  await asyncOpsPerSecond('facade hit: lookup + acquire, 1 KB', 200_000, async () => {
    const lookup = await cache.lookup(request, [statement]);
    if (lookup.mode !== 'use' || (await cache.acquire(lookup)).kind !== 'hit') throw new Error('expected a hit');
  });
  await cache.close();
}

async function boundedUnderManyKeys(): Promise<void> {
  const maxBytes = 64 * mib;
  const keys = 1_000_000;
  gc?.();
  const before = process.memoryUsage();
  const memory = createMemoryStore({ maxBytes });
  let peakAccounted = 0;
  let peakRss = 0;
  const rssAt: string[] = [];
  const started = process.hrtime.bigint();
  for (let i = 0; i < keys; i += 1) {
    const body = Buffer.allocUnsafeSlow(1024); // as capture-body makes them: exactly sized, unpooled
    body.fill(i & 0xff);
    memory.set(buildCacheKey({
      statement: `SELECT ${i}`, database: 'default', params: [], acceptEncoding: undefined, cluster: 'main',
      backendUser: 'reader', scope: 'user:bench', versions: { epoch: 0, scopes: [] },
    }), entryOf(body));
    peakAccounted = Math.max(peakAccounted, memory.bytes);
    if (i % 50_000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if ((i + 1) % 250_000 === 0) rssAt.push(`${(process.memoryUsage().rss / mib).toFixed(0)}`);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Freed Buffers' memory is released by a background sweeper: collect, let it run, collect again.
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 200));
  gc?.();
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  const live = usage.heapUsed + usage.external - (before.heapUsed + before.external);
  rows.push(
    ['1M distinct keys: inserts', `${Math.round(keys / seconds).toLocaleString('en-US')} sets/s (key build included)`],
    ['  bound / peak accounted', `${(maxBytes / mib).toFixed(1)} MiB / ${(peakAccounted / mib).toFixed(1)} MiB`],
    ['  entries kept / evicted', `${memory.entries.toLocaleString('en-US')} / ${memory.evictions.toLocaleString('en-US')}`],
    ['  RSS before / peak / after', `${(before.rss / mib).toFixed(0)} / ${(peakRss / mib).toFixed(0)} / ${(usage.rss / mib).toFixed(0)} MiB`],
    ['  RSS at 250k / 500k / 750k / 1M keys', `${rssAt.join(' / ')} MiB`],
    ['  live heap + external, growth', `${(live / mib).toFixed(1)} MiB = ${Math.round(live / memory.entries)} B/entry vs ${Math.round(memory.bytes / memory.entries)} accounted${gc ? '' : ' (run with --expose-gc)'}`],
  );
}

await hitPath();
await boundedUnderManyKeys();

const width = Math.max(...rows.map(([label]) => label.length));
console.log(`${'measure'.padEnd(width)} | result`);
console.log(`${'-'.repeat(width)}-|-${'-'.repeat(40)}`);
for (const [label, value] of rows) console.log(`${label.padEnd(width)} | ${value}`);
