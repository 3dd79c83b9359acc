/**
 * Memory of the query cache under many distinct keys (issue 4: "memory bounded by the configured byte limit under
 * 1 million distinct keys"). Drives the real facade (`openQueryCache`, the production config shape: a memory tier
 * bounded in bytes in front of @keyv/sqlite in a temp dir) the way the pipeline does: `lookup` → `acquire` → `push`
 * the body in socket-sized pooled chunks → one event-loop turn for the "upstream" → `finish` without awaiting it
 * (run-statements.ts does not hold up the response for the sqlite write). Every key is distinct, so every request
 * is a miss that gets stored and, past the limit, evicts.
 *
 * Each scenario (limit × body sizes) runs in its own process (`--expose-gc`), so its baseline is clean. It first
 * measures the cold process, then runs `--warmup` requests of the same shape that are not stored (status 500), so
 * V8's young generation and malloc reach their working size under this load: that is the warm baseline, 0 keys.
 * At 0, 100k, 250k, 500k and 1M keys it prints the accounted bytes, entries, RSS, heapUsed, heapTotal, external and
 * arrayBuffers (after a full GC; "rss live" before it), and the sqlite writes still pending. RSS is also sampled
 * every 5,000 requests for the peak. The verdict: peak RSS growth over the warm baseline against 1.5 × the limit,
 * and peak RSS against the cold start + limit + 60 MiB.
 *
 *   npx tsx bench/cache-memory.ts                              # 32 and 256 MiB, 1 KB and mixed bodies, 1M keys
 *   npx tsx bench/cache-memory.ts --keys 200000 --limits 32 --sizes 1k --store memory
 *   npx tsx bench/cache-memory.ts --node-flags="--max-semi-space-size=4 --max-old-space-size=512"
 *
 * Mixed sizes: 70% 64 B–1 KiB, 25% 1–8 KiB, 5% 8–32 KiB (≈2.5 KB on average), deterministic.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { defaultCacheConfig, type CacheConfig } from '../src/cache/cache-config.js';
import { openQueryCache, type CacheRequest, type QueryCache } from '../src/cache/create-query-cache.js';
import type { StatementClassification } from '../src/sql/types.js';
import { chgateProcessEnv } from '../scripts/chgate-process-env.js';
import { printTable } from './lib/report.js';

const mib = 1024 * 1024;

const { values: args } = parseArgs({
  options: {
    keys: { type: 'string', default: '1000000' },
    limits: { type: 'string', default: '32,256' },
    sizes: { type: 'string', default: '1k,mixed' },
    concurrency: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '100000' },
    store: { type: 'string', default: 'sqlite' },
    'node-flags': { type: 'string', default: '' },
    child: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

type SizeMix = '1k' | 'mixed';

interface Scenario {
  keys: number;
  limitBytes: number;
  sizes: SizeMix;
  concurrency: number;
  store: 'sqlite' | 'memory';
  warmup: number;
}

interface Checkpoint {
  keys: number;
  accounted: number;
  entries: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** RSS before the forced GC: what the process really held while running. */
  rssLive: number;
  pendingWrites: number;
  stored: number;
  notStored: number;
  seconds: number;
}

interface ScenarioResult {
  scenario: Scenario;
  /** Right after opening the cache, before any request. */
  cold: Checkpoint;
  checkpoints: Checkpoint[];
  peakRss: number;
  peakPendingWrites: number;
  drained: Checkpoint;
  heapLimit: number;
}

/** xorshift32: the same "random" sizes on every run. */
function sizeSource(mix: SizeMix): () => number {
  let state = 0x9e3779b9;
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x1_0000_0000;
  };
  if (mix === '1k') return () => 1024;
  return () => {
    const band = next();
    const within = next();
    if (band < 0.7) return 64 + Math.floor(within * 960);
    if (band < 0.95) return 1024 + Math.floor(within * 7 * 1024);
    return 8 * 1024 + Math.floor(within * 24 * 1024);
  };
}

// ---------------------------------------------------------------- child: one scenario in a fresh process

async function measure(cache: QueryCache, keys: number, counters: Counters, startedAt: bigint): Promise<Checkpoint> {
  const rssLive = process.memoryUsage().rss;
  const gc = (globalThis as { gc?: () => void }).gc;
  // Freed ArrayBuffers are released by a background sweeper: collect, let it run, collect again.
  gc?.();
  await sleep(100);
  gc?.();
  const usage = process.memoryUsage();
  const stats = cache.stats();
  return {
    keys,
    accounted: stats.memoryBytes,
    entries: stats.memoryEntries,
    rss: usage.rss,
    heapUsed: usage.heapUsed,
    heapTotal: usage.heapTotal,
    external: usage.external,
    arrayBuffers: usage.arrayBuffers,
    rssLive,
    pendingWrites: counters.pending,
    stored: counters.stored,
    notStored: counters.notStored,
    seconds: Number(process.hrtime.bigint() - startedAt) / 1e9,
  };
}

interface Counters {
  pending: number;
  peakPending: number;
  stored: number;
  notStored: number;
  reasons: Record<string, number>;
}

async function runScenario(scenario: Scenario): Promise<ScenarioResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chgate-cache-memory-'));
  try {
    const config: CacheConfig = {
      ...defaultCacheConfig,
      maxMemoryBytes: scenario.limitBytes,
      maxEntryBytes: Math.min(defaultCacheConfig.maxEntryBytes, scenario.limitBytes),
      store: { ...defaultCacheConfig.store, kind: scenario.store, path: join(dir, 'cache.sqlite') },
    };
    const cache = await openQueryCache(config, { queryWriter: async () => '' });
    // A TSV-ish pool of bytes the bodies are cut from.
    const source = Buffer.alloc(32 * 1024); // the largest body
    for (let i = 0; i < source.length; i += 1) source[i] = i % 17 === 16 ? 0x0a : 0x30 + ((i * 7) % 10);
    const nextSize = sizeSource(scenario.sizes);
    const request: CacheRequest = {
      method: 'POST',
      params: new URLSearchParams('database=bench&max_execution_time=30'),
      acceptEncoding: undefined,
      proxyUser: 'bench',
      cluster: 'main',
      backendUser: 'reader',
    };
    const statementOf = (i: number | string): StatementClassification => {
      const normalized = `SELECT * FROM events WHERE id = ${i} FORMAT TabSeparated`;
      return {
        type: 'select', route: 'read', tablesRead: ['events'], tablesWritten: [], tableFunctions: [], dictionaries: [],
        databasesWritten: [], cacheable: true, unknown: false, normalized, fingerprint: '',
      };
    };
    const counters: Counters = { pending: 0, peakPending: 0, stored: 0, notStored: 0, reasons: {} };

    /** One cacheable read of key `i`; `status` 500 makes it a miss that is not stored (the warm-up). */
    const oneRequest = async (i: number | string, status = 200): Promise<void> => {
      const lookup = await cache.lookup(request, [statementOf(i)]);
      if (lookup.mode !== 'use') throw new Error(`expected a cacheable read, got ${lookup.reason}`);
      const fill = await cache.acquire(lookup);
      if (fill.kind !== 'fill') throw new Error(`key ${i} was already cached: keys are not distinct`);
      const size = nextSize();
      // As a socket delivers them: pooled Buffers (< 4 KiB are slices of a shared 8 KiB slab), 16 KiB at most.
      for (let offset = 0; offset < size; offset += 16 * 1024) {
        fill.push(Buffer.from(source.subarray(offset, Math.min(size, offset + 16 * 1024))));
      }
      await nextTurn(); // the upstream round trip: the event loop runs (sqlite callbacks, timers)
      counters.pending += 1;
      counters.peakPending = Math.max(counters.peakPending, counters.pending);
      void fill.finish({ status, headers: { 'content-type': 'text/tab-separated-values; charset=UTF-8', 'x-clickhouse-server-display-name': 'replica-1' }, cutOff: false, servedByWriter: true }).then(
        (outcome) => {
          counters.pending -= 1;
          if (outcome.stored) counters.stored += 1;
          else {
            counters.notStored += 1;
            counters.reasons[outcome.reason] = (counters.reasons[outcome.reason] ?? 0) + 1;
          }
        },
      );
    };

    const marks = [0, 100_000, 250_000, 500_000, 1_000_000].filter((k) => k < scenario.keys).concat(scenario.keys);
    const checkpoints: Checkpoint[] = [];
    let peakRss = 0;
    let next = 0;
    const startedAt = process.hrtime.bigint();
    const cold = await measure(cache, 0, counters, startedAt);
    // The same traffic with nothing stored: V8's young generation and malloc's arenas grow to their working size,
    // so the baseline after it is what the process costs under this load without a cache to fill.
    let warmed = 0;
    await Promise.all(Array.from({ length: scenario.concurrency }, async () => {
      while (warmed < scenario.warmup) await oneRequest(`w${(warmed += 1)}`, 500);
    }));
    while (counters.pending > 0) await sleep(10);
    counters.notStored = 0;
    counters.reasons = {};
    for (const mark of marks) {
      const worker = async (): Promise<void> => {
        while (next < mark) {
          const i = next;
          next += 1;
          await oneRequest(i);
          if (i % 5000 === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        }
      };
      await Promise.all(Array.from({ length: scenario.concurrency }, worker));
      const checkpoint = await measure(cache, mark, counters, startedAt);
      peakRss = Math.max(peakRss, checkpoint.rssLive);
      checkpoints.push(checkpoint);
      process.stderr.write(`  ${mark.toLocaleString('en-US')} keys: RSS ${(checkpoint.rss / mib).toFixed(0)} MiB, ${checkpoint.pendingWrites} writes pending\n`);
    }
    // Let the sqlite writes that are still queued finish, then measure once more.
    while (counters.pending > 0) await sleep(50);
    const drained = await measure(cache, scenario.keys, counters, startedAt);
    await cache.close();
    if (Object.keys(counters.reasons).length > 0) process.stderr.write(`  not stored: ${JSON.stringify(counters.reasons)}\n`);
    return { scenario, cold, checkpoints, peakRss, peakPendingWrites: counters.peakPending, drained, heapLimit: getHeapStatistics().heap_size_limit };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------- parent: one child per scenario, then the tables

function runChild(scenario: Scenario): Promise<ScenarioResult> {
  const nodeArgs = [
    '--expose-gc',
    ...args['node-flags'].split(' ').filter((flag) => flag !== ''),
    '--import',
    'tsx',
  ];
  // The environment chgate runs with (scripts/local-cluster.ts): two malloc arenas unless MALLOC_ARENA_MAX is set.
  const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--child', JSON.stringify(scenario)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: chgateProcessEnv(process.env),
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`scenario ${JSON.stringify(scenario)} exited with ${code}`));
      else resolve(JSON.parse(output) as ScenarioResult);
    });
  });
}

const toMib = (bytes: number): string => (bytes / mib).toFixed(1);

function printScenario(result: ScenarioResult): void {
  const { scenario } = result;
  const baseline = result.checkpoints[0]?.rss ?? 0;
  console.log(`\n${toMib(scenario.limitBytes)} MiB limit, ${scenario.sizes} bodies, ${scenario.keys.toLocaleString('en-US')} distinct keys, ` +
    `${scenario.store} store (V8 heap limit ${toMib(result.heapLimit)} MiB). MiB after a full GC ("rss live": before it); ` +
    `growth over the warm baseline (0 keys, after ${scenario.warmup.toLocaleString('en-US')} requests storing nothing)`);
  const rows: Array<[string, Checkpoint]> = [
    ['cold', result.cold],
    ...result.checkpoints.map((c): [string, Checkpoint] => [c.keys === 0 ? '0 (warm)' : c.keys.toLocaleString('en-US'), c]),
    ['drained', result.drained],
  ];
  const lines = rows.map(([label, c]) => [
    label,
    toMib(c.accounted),
    c.entries.toLocaleString('en-US'),
    toMib(c.rss),
    toMib(c.rssLive),
    label === 'cold' ? '-' : toMib(c.rss - baseline),
    label === 'cold' ? '-' : `${((c.rss - baseline) / scenario.limitBytes).toFixed(2)}x`,
    toMib(c.heapUsed),
    toMib(c.heapTotal),
    toMib(c.external),
    toMib(c.arrayBuffers),
    c.pendingWrites.toLocaleString('en-US'),
    c.notStored.toLocaleString('en-US'),
    c.seconds.toFixed(0),
  ]);
  printTable(
    ['keys', 'accounted', 'entries', 'rss', 'rss live', 'growth', 'growth/limit', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers', 'writes pending', 'not stored', 's'],
    lines,
    1,
  );
}

async function main(): Promise<void> {
  if (args.child !== undefined) {
    const result = await runScenario(JSON.parse(args.child) as Scenario);
    process.stdout.write(JSON.stringify(result));
    return;
  }
  if (args.help) {
    console.log('npx tsx bench/cache-memory.ts [--keys N] [--limits 32,256] [--sizes 1k,mixed] [--store sqlite|memory] [--concurrency 32] [--warmup 100000] [--node-flags="--max-old-space-size=N ..."]');
    return;
  }
  const keys = Number(args.keys);
  const concurrency = Number(args.concurrency);
  const scenarios: Scenario[] = [];
  for (const limit of args.limits.split(',')) {
    for (const sizes of args.sizes.split(',') as SizeMix[]) {
      if (sizes !== '1k' && sizes !== 'mixed') throw new Error(`--sizes: 1k or mixed, not ${String(sizes)}`);
      scenarios.push({ keys, limitBytes: Number(limit) * mib, sizes, concurrency, store: args.store === 'memory' ? 'memory' : 'sqlite', warmup: Number(args.warmup) });
    }
  }
  const results: ScenarioResult[] = [];
  for (const scenario of scenarios) {
    console.error(`scenario: ${toMib(scenario.limitBytes)} MiB, ${scenario.sizes}, ${keys.toLocaleString('en-US')} keys ...`);
    const result = await runChild(scenario);
    results.push(result);
    printScenario(result);
  }
  console.log(`\nverdict (node flags: ${args['node-flags'] || 'none'}; MALLOC_ARENA_MAX=${chgateProcessEnv(process.env).MALLOC_ARENA_MAX}): peak RSS growth over the warm baseline, target ≤ 1.5 × limit; ` +
    'and peak RSS against the cold start + limit + 60 MiB');
  printTable(
    ['limit', 'bodies', 'cold rss', 'warm rss', 'peak rss', 'peak growth', 'growth/limit', '≤ 1.5x', 'from cold', '≤ cold+limit+60', 'writes pending (peak)', 'not stored'],
    results.map((r) => {
      const warm = r.checkpoints[0]?.rss ?? 0;
      const growth = r.peakRss - warm;
      return [
        `${toMib(r.scenario.limitBytes)} MiB`,
        r.scenario.sizes,
        toMib(r.cold.rss),
        toMib(warm),
        toMib(r.peakRss),
        toMib(growth),
        `${(growth / r.scenario.limitBytes).toFixed(2)}x`,
        growth <= 1.5 * r.scenario.limitBytes ? 'yes' : 'NO',
        `${((r.peakRss - r.cold.rss) / r.scenario.limitBytes).toFixed(2)}x`,
        r.peakRss <= r.cold.rss + r.scenario.limitBytes + 60 * mib ? 'yes' : 'NO',
        r.peakPendingWrites.toLocaleString('en-US'),
        r.drained.notStored.toLocaleString('en-US'),
      ];
    }),
  );
}

await main();
