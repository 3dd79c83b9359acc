/**
 * The query cache's hit path: requests/s and p50/p99 latency of a ~1 KB result served as cache hits through chgate,
 * next to the same query with `no_cache=1` (chgate → replica → back), at 16 and 64 keep-alive connections. Both are
 * measured in one run, interleaved in short slices (alternating which goes first), so drift in machine load hits
 * both alike. With its own stack and wrk installed (apt), chgate is pinned to CPU 0 and wrk to CPU 1 (with the cluster's
 * ClickHouse and ZooKeeper processes and redis-server, as if on other machines), so req/s is
 * what chgate does on one core (the issue's target: above 20,000 hits/s); it also reports chgate's CPU time per
 * request (from /proc), and a bare node:http server answering the same bytes on the same core, in the same slices
 * (the ceiling of any Node server there). Without wrk, an undici client on the same cores drives it (--load undici).
 *
 * Stores: one chgate per cache store (`--store memory,sqlite,redis`, all three by default) on the same cluster (and
 * one more for the no_cache cells, so pass-through traffic does not weigh on any chgate's hits), all
 * pinned to the same core, measured in the same interleaved slices, so the hit rates of the stores compare in one
 * run. Every chgate writes the access log (a JSON line per request, the default); one more runs the first store with
 * log.requests: false (`--access-log on` leaves it out), so what the log costs a hit shows in the same run. The
 * redis store gets a redis-server of its own (no persistence) started by the bench; each of its lookups reads the
 * shared versions from Redis (one round trip) and it has no fast path.
 *
 * Then a memory check (on the first store's chgate): `--keys` distinct cacheable ~1 KB results through chgate (every one a miss that gets
 * stored), chgate's RSS sampled throughout and compared with `cache.max_memory_bytes`; the oldest keys must have
 * been evicted and the newest still hit. (A million keys is the cache library's own benchmark; through HTTP and
 * ClickHouse, 100k distinct misses already take a while.) Not a test: it prints tables.
 *
 *   npx tsx bench/cache-hit.ts                         # starts its own cluster + chgate (needs `npm run build`)
 *   npx tsx bench/cache-hit.ts --keys 0                # hit path only
 *   npx tsx bench/cache-hit.ts --url http://127.0.0.1:8124 --keys 0   # an already running chgate with the cache on
 *   npx tsx bench/cache-hit.ts --store redis --keys 0  # one store only
 *
 * Own stack: cluster ports 19700..19739, chgates on 127.0.0.1:19790 and up (one per store), redis-server on 19799,
 * files under <tmpdir>/chgate-bench-19700 (`--base-port`, `--chgate-port` move them).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { parse, stringify } from 'yaml';
import { waitForHttpOk } from '../scripts/local-cluster.js';
import { cacheRequestsTotal } from './lib/chgate-metrics.js';
import { cpuMsOf, rssBytesOf } from './lib/proc-stats.js';
import { median, mergeSample, percentile, printTable, ratio, type Sample } from './lib/report.js';
import { createBenchStackOwner } from './lib/stack.js';
import { hasWrk, pinProcess, runWrk } from './lib/wrk.js';

const STORES = ['memory', 'sqlite', 'redis'] as const;
type StoreKind = (typeof STORES)[number];
/** 44 rows of `number \t cityHash64(number)`: 1,017 bytes of TSV. */
const QUERY = 'SELECT number, cityHash64(number) FROM numbers(44)';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string', default: '' },
    concurrency: { type: 'string', default: '16,64' },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '1' },
    slices: { type: 'string', default: '6' },
    keys: { type: 'string', default: '100000' },
    'memory-limit-mb': { type: 'string', default: '32' },
    store: { type: 'string', default: STORES.join(',') },
    'access-log': { type: 'string', default: 'both' },
    'base-port': { type: 'string', default: '19700' },
    'chgate-port': { type: 'string', default: '19790' },
    'chgate-heap-mb': { type: 'string' },
    load: { type: 'string', default: 'auto' },
    help: { type: 'boolean', default: false },
  },
});

interface Target {
  /** `hit (<store>)` or `no_cache`. */
  name: string;
  /** The chgate it is sent to, and its pid (for CPU time) when the bench started it. */
  url: string;
  pid: number | undefined;
  path: string;
  /** The X-Cache every response must carry; undefined for the bare node:http server (not a chgate). */
  expectedCache: 'HIT' | 'BYPASS' | undefined;
}

/** The name of the bare node:http reference's rows: the ceiling of any Node server on that core. */
const BARE = 'bare node:http';

/**
 * A bare node:http server answering every request with `body` (the query's bytes and content type, as a hit sends
 * them): what one core does for Node's HTTP alone, measured in the same slices as chgate.
 */
function startBareServer(port: number, body: string): ChildProcess {
  const script = `
    const body = Buffer.from(process.env.BARE_BODY, 'base64');
    require('node:http').createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': 'text/tab-separated-values; charset=UTF-8', 'content-length': body.length });
        response.end(body);
      });
    }).listen(${port}, '127.0.0.1');`;
  return spawn(process.execPath, ['-e', script], { stdio: 'ignore', env: { ...process.env, BARE_BODY: Buffer.from(body).toString('base64') } });
}


const emptySample = (): Sample => ({ ok: 0, errors: 0, elapsedMs: 0, cpuMs: 0, latenciesMs: [] });

/** utime + stime of a process in ms, from /proc (undefined when not ours). */
const processCpuMs = (pid: number | undefined): number | undefined => (pid === undefined ? undefined : cpuMsOf([pid]));

const processRssBytes = (pid: number | undefined): number | undefined => (pid === undefined ? undefined : rssBytesOf([pid]));

function credentialHeaders(): Record<string, string> {
  return args.user === undefined ? {} : { 'x-clickhouse-user': args.user, 'x-clickhouse-key': args.password };
}

/** `concurrency` workers sending QUERY back to back until `durationMs` has passed; checks bytes and X-Cache. */
async function runFor(target: Target, pool: Pool, concurrency: number, durationMs: number, expected: string): Promise<Sample> {
  const sample = emptySample();
  const headers = credentialHeaders();
  const { pid } = target;
  const cpuBefore = processCpuMs(pid);
  const started = performance.now();
  const end = started + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const response = await pool.request({ path: target.path, method: 'POST', headers, body: QUERY });
        const text = await response.body.text();
        const cache = response.headers['x-cache'];
        if (response.statusCode === 200 && text === expected && cache === target.expectedCache) {
          sample.ok += 1;
          sample.latenciesMs.push(performance.now() - t0);
        } else {
          sample.errors += 1;
          sample.firstError ??= `HTTP ${response.statusCode}, X-Cache ${String(cache)}: ${text.slice(0, 120)}`;
        }
      } catch (error) {
        sample.errors += 1;
        sample.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  sample.elapsedMs = performance.now() - started;
  const cpuAfter = processCpuMs(pid);
  sample.cpuMs = cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore;
  return sample;
}


/** Sum of chgate_cache_requests_total for one result (hit, bypass, ...). */
/**
 * The same cells with wrk pinned to core 1 and chgate to core 0: chgate's requests/s on one core. wrk does not read
 * bodies, so each slice checks chgate's own count of hits (or bypasses) against wrk's count of responses.
 */
async function measureWithWrk(targets: Target[], concurrency: number, options: { durationMs: number; warmupMs: number; slices: number }): Promise<Row[]> {
  const headers = credentialHeaders();
  const run = async (target: Target, ms: number): Promise<Sample & { p50: number; p99: number }> => {
    const result = target.expectedCache === 'HIT' ? 'hit' : 'bypass';
    const isChgate = target.expectedCache !== undefined;
    const before = isChgate ? await cacheRequestsTotal(target.url, result) : 0;
    // The other servers on the core are stopped meanwhile: idle, each still takes ~10 ms/s (health checks, the event
    // loop monitor), which would be taken from the measured one's core.
    const paused = targets.filter((other) => other !== target && other.pid !== undefined).map((other) => other.pid as number);
    for (const other of paused) process.kill(other, 'SIGSTOP');
    let wrk: ReturnType<typeof runWrk>;
    let cpuBefore: number | undefined;
    let cpuAfter: number | undefined;
    try {
      cpuBefore = processCpuMs(target.pid);
      wrk = runWrk({ url: new URL(target.path, target.url).toString(), method: 'POST', body: QUERY, headers, connections: concurrency, durationSeconds: Math.max(1, Math.round(ms / 1000)), pinCpu: '1' });
      cpuAfter = processCpuMs(target.pid);
    } finally {
      for (const other of paused) process.kill(other, 'SIGCONT');
    }
    const counted = isChgate ? (await cacheRequestsTotal(target.url, result)) - before : wrk.requests;
    // Requests still in flight when wrk stops are counted by chgate, not by wrk: at most one per connection.
    const unexplained = Math.max(0, Math.abs(wrk.requests - counted) - concurrency);
    return {
      ok: wrk.requests - wrk.errors,
      errors: wrk.errors + unexplained,
      ...(unexplained > 0 ? { firstError: `wrk counted ${wrk.requests} responses, chgate ${counted} ${result}s` } : {}),
      elapsedMs: wrk.seconds * 1000,
      cpuMs: cpuBefore === undefined || cpuAfter === undefined ? Number.NaN : cpuAfter - cpuBefore,
      latenciesMs: [],
      p50: wrk.p50Ms,
      p99: wrk.p99Ms,
    };
  };
  for (const target of targets) await run(target, options.warmupMs);
  const totals = targets.map(emptySample);
  const p50s: number[][] = targets.map(() => []);
  const p99s: number[][] = targets.map(() => []);
  for (let slice = 0; slice < options.slices; slice += 1) {
    const order = slice % 2 === 0 ? [...targets.keys()] : [...targets.keys()].reverse();
    for (const i of order) {
      const sample = await run(targets[i]!, options.durationMs / options.slices);
      mergeSample(totals[i]!, sample);
      p50s[i]!.push(sample.p50);
      p99s[i]!.push(sample.p99);
    }
  }
  // wrk reports percentiles per run: the median of the slices' values.
  return totals.map((total, i): Row => {
    if (total.firstError) console.error(`  ${targets[i]!.name} @${concurrency}: ${total.errors} errors, first: ${total.firstError}`);
    return {
      concurrency,
      target: targets[i]!.name,
      rps: total.ok / (total.elapsedMs / 1000),
      p50: median(p50s[i]!),
      p99: median(p99s[i]!),
      cpuMicrosPerRequest: ((total.cpuMs ?? Number.NaN) * 1000) / Math.max(1, total.ok + total.errors),
      errors: total.errors,
    };
  });
}

interface Row {
  concurrency: number;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  cpuMicrosPerRequest: number;
  errors: number;
}

async function measure(targets: Target[], concurrency: number, options: { durationMs: number; warmupMs: number; slices: number; expected: string }) {
  const pools = targets.map((target) => new Pool(target.url, { connections: concurrency, pipelining: 1, keepAliveTimeout: 10_000 }));
  try {
    for (const [i, target] of targets.entries()) await runFor(target, pools[i]!, concurrency, options.warmupMs, options.expected);
    const totals = targets.map(emptySample);
    for (let slice = 0; slice < options.slices; slice += 1) {
      const order = slice % 2 === 0 ? [...targets.keys()] : [...targets.keys()].reverse();
      for (const i of order) {
        mergeSample(totals[i]!, await runFor(targets[i]!, pools[i]!, concurrency, options.durationMs / options.slices, options.expected));
      }
    }
    return totals.map((total, i): Row => {
      if (total.firstError) console.error(`  ${targets[i]!.name} @${concurrency}: ${total.errors} errors, first: ${total.firstError}`);
      const sorted = total.latenciesMs.sort((a, b) => a - b);
      return {
        concurrency,
        target: targets[i]!.name,
        rps: total.ok / (total.elapsedMs / 1000),
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        cpuMicrosPerRequest: ((total.cpuMs ?? Number.NaN) * 1000) / Math.max(1, total.ok + total.errors),
        errors: total.errors,
      };
    });
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

function printHitTable(rows: Row[]): void {
  const lines: string[][] = [];
  const cpu = (micros: number) => (Number.isFinite(micros) ? micros.toFixed(0) : '-');
  const perCore = (micros: number) => (Number.isFinite(micros) && micros > 0 ? (1e6 / micros).toFixed(0) : '-');
  for (const concurrency of new Set(rows.map((r) => r.concurrency))) {
    const cell = rows.filter((r) => r.concurrency === concurrency);
    const hits = cell.filter((r) => r.target !== 'no_cache' && r.target !== BARE);
    const uncached = cell.find((r) => r.target === 'no_cache')!;
    const bare = cell.find((r) => r.target === BARE);
    for (const r of [...hits, uncached, ...(bare ? [bare] : [])]) {
      lines.push([String(concurrency), r.target, r.rps.toFixed(0), r.p50.toFixed(3), r.p99.toFixed(3), cpu(r.cpuMicrosPerRequest), perCore(r.cpuMicrosPerRequest), String(r.errors)]);
    }
    const references: Array<[Row, string]> = [[uncached, 'no_cache'], ...(bare ? [[bare, 'bare'] as [Row, string]] : [])];
    for (const [reference, name] of references) {
      for (const hit of hits) {
        lines.push([String(concurrency), `${hit.target}/${name}`, ratio(hit.rps, reference.rps), ratio(hit.p50, reference.p50), ratio(hit.p99, reference.p99), ratio(hit.cpuMicrosPerRequest, reference.cpuMicrosPerRequest), '', '']);
      }
    }
  }
  printTable(['conns', 'target', 'req/s', 'p50 ms', 'p99 ms', 'chgate CPU µs/req', 'req/s per chgate core', 'errors'], lines);
}

const mib = (bytes: number | undefined) => (bytes === undefined ? '-' : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

async function scrapeCacheMetrics(baseUrl: string): Promise<string[]> {
  try {
    const text = await (await fetch(new URL('/metrics', baseUrl))).text();
    return text.split('\n').filter((line) => line.startsWith('chgate_cache_') && !line.includes('_bucket{'));
  } catch {
    return [];
  }
}

/** `keys` distinct ~1 KB cacheable results through chgate, RSS sampled; then which keys still hit. */
async function memoryCheck(baseUrl: string, keys: number, limitBytes: number | undefined, pid: number | undefined): Promise<void> {
  const pool = new Pool(baseUrl, { connections: 32, pipelining: 1, keepAliveTimeout: 10_000 });
  const headers = credentialHeaders();
  // ~1 KB each, like the hit-path query, and a distinct text (so a distinct key) per i.
  const sql = (i: number) => `SELECT ${i} AS k, number, cityHash64(number + ${i}) FROM numbers(40)`;
  const baseline = processRssBytes(pid);
  let peak = baseline ?? 0;
  const sampler = setInterval(() => {
    const rss = processRssBytes(pid);
    if (rss !== undefined && rss > peak) peak = rss;
  }, 200);
  const quartiles: Array<[string, number | undefined]> = [];
  let next = 0;
  let errors = 0;
  let stored = 0;
  let firstError: string | undefined;
  const started = performance.now();
  let lastReport = started;
  const worker = async () => {
    while (next < keys) {
      const i = next++;
      try {
        const response = await pool.request({ path: '/', method: 'POST', headers, body: sql(i) });
        const text = await response.body.text();
        if (response.statusCode !== 200 || !text.startsWith(`${i}\t0\t`)) {
          errors += 1;
          firstError ??= `HTTP ${response.statusCode}: ${text.slice(0, 120)}`;
        } else if (response.headers['x-cache'] === 'MISS') stored += 1;
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
      }
      if (i > 0 && i % Math.ceil(keys / 4) === 0) quartiles.push([`chgate RSS after ${i} keys`, processRssBytes(pid)]);
      if (performance.now() - lastReport > 5_000) {
        lastReport = performance.now();
        console.error(`  ${next}/${keys} keys sent, chgate RSS ${mib(processRssBytes(pid))}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 32 }, worker));
    const seconds = (performance.now() - started) / 1000;
    const end = processRssBytes(pid);
    clearInterval(sampler);
    // Oldest keys must have been evicted (if the total exceeded the limit), newest must still hit.
    const probe = async (i: number) => {
      const response = await pool.request({ path: '/', method: 'POST', headers, body: sql(i) });
      await response.body.text();
      return String(response.headers['x-cache']);
    };
    const oldest = await Promise.all([0, 1, 2, 3, 4].map(probe));
    const newest = await Promise.all([1, 2, 3, 4, 5].map((d) => probe(keys - d)));
    console.log(`\nmemory: ${keys} distinct ~1 KB results in ${seconds.toFixed(1)} s (${(keys / seconds).toFixed(0)} misses/s), ${errors} errors${firstError ? ` (first: ${firstError})` : ''}`);
    printTable(
      ['measure', 'value'],
      [
        ['cache.max_memory_bytes', mib(limitBytes)],
        ['responses stored as MISS', String(stored)],
        ['approx. bytes offered to the cache', mib(stored * (1024 + 400 + 64 + 200))],
        ['chgate RSS before', mib(baseline)],
        ...quartiles.map(([label, rss]): string[] => [label, mib(rss)]),
        [`chgate RSS after ${keys} keys`, mib(end)],
        ['chgate RSS peak', mib(peak)],
        ['RSS growth (peak - before)', baseline === undefined ? '-' : mib(peak - baseline)],
        ['growth / max_memory_bytes', baseline === undefined || limitBytes === undefined ? '-' : `${((peak - baseline) / limitBytes).toFixed(2)}x`],
        // With the sqlite store, keys evicted from the memory tier may still hit from the sqlite tier.
        ['X-Cache of the 5 oldest keys', oldest.join(' ')],
        ['X-Cache of the 5 newest keys', newest.join(' ')],
      ],
      1,
    );
    const metrics = await scrapeCacheMetrics(baseUrl);
    if (metrics.length > 0) console.log(`\n${metrics.join('\n')}`);
  } finally {
    clearInterval(sampler);
    await pool.close();
  }
}

async function main(): Promise<void> {
  if (args.help) {
    console.log('usage: npx tsx bench/cache-hit.ts [--url URL --user U --password P] [--concurrency 16,64] [--duration 6]');
    console.log('         [--warmup 1] [--slices 6] [--keys 100000] [--memory-limit-mb 32] [--store memory,sqlite,redis] [--chgate-heap-mb N]');
    console.log('         [--base-port 19700] [--chgate-port 19790]   the cluster\'s ports, the first chgate\'s (one per store, then redis on +9)');
    console.log('         [--load auto|wrk|undici]   auto: wrk (pinned, chgate on its own core) when installed and the bench starts chgate');
    console.log('         [--access-log both|on]   both (default): also the first store with log.requests: false, as its own hit row');
    return;
  }
  const concurrencies = args.concurrency.split(',').map(Number);
  const durationMs = Number(args.duration) * 1000;
  const warmupMs = Number(args.warmup) * 1000;
  const slices = Math.max(1, Number(args.slices));
  const keys = Number(args.keys);
  const limitBytes = Number(args['memory-limit-mb']) * 1024 * 1024;
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1) || !(durationMs > 0) || !(warmupMs >= 0) || !(keys >= 0)) {
    throw new Error('--concurrency takes positive integers (16,64); --duration and --warmup take seconds; --keys a count');
  }
  const stores = args.store.split(',') as StoreKind[];
  if (stores.length === 0 || stores.some((store) => !STORES.includes(store))) throw new Error(`--store takes ${STORES.join(', ')} (comma-separated)`);
  if (args.url !== undefined && stores.length > 1) throw new Error('with --url, measure the running chgate\'s own store: give --store one value (any)');
  const basePort = Number(args['base-port']);
  const chgatePort = Number(args['chgate-port']);

  const stack = createBenchStackOwner();
  let bare: ChildProcess | undefined;
  try {
    let baseUrl = args.url;
    let pid: number | undefined;
    /** Our own cluster's processes (empty with --url). */
    let clusterPids: readonly number[] = [];
    let noCache: { url: string; pid: number | undefined } | undefined;
    /** One chgate per store; the first one also answers the no_cache requests and the memory check. */
    const chgates: Array<{ store: StoreKind; url: string; pid: number | undefined; label?: string }> = [];
    if (baseUrl !== undefined) chgates.push({ store: stores[0]!, url: baseUrl, pid: undefined });
    if (baseUrl === undefined) {
      // A small V8 heap limit shows whether the live set stays bounded (chgate dies of OOM if not), where RSS alone
      // also counts garbage V8 has not collected yet.
      if (args['chgate-heap-mb'] !== undefined) {
        process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${Number(args['chgate-heap-mb'])}`.trim();
      }
      const withStore = (store: StoreKind, redisUrl: string | undefined) => (yaml: string, baseDir: string) => {
        const document = parse(yaml) as Record<string, unknown>;
        document.cache = {
          enabled: true,
          max_memory_bytes: limitBytes,
          max_entry_bytes: 1024 * 1024,
          store:
            store === 'redis'
              ? { kind: 'redis', url: redisUrl, key_prefix: `chgate-bench-${process.pid}:` }
              : { kind: store, path: join(baseDir, `cache-${store}.sqlite`) },
        };
        return stringify(document);
      };
      const [first, ...others] = stores as [StoreKind, ...StoreKind[]];
      const redisUrl = stores.includes('redis') ? `redis://127.0.0.1:${chgatePort + 9}` : undefined;
      const started = await stack.start({
        basePort,
        chgatePort,
        connectionsPerNode: 64,
        describeChgate: `${first} store${args['chgate-heap-mb'] ? `, V8 old space ${args['chgate-heap-mb']} MB` : ''}`,
        // The redis-server must run before the chgate that uses it; it is started right after the cluster.
        beforeChgate: redisUrl ? () => stack.startRedis(chgatePort + 9).then(() => {}) : undefined,
        editConfig: withStore(first, redisUrl),
      });
      chgates.push({ store: first, url: started.chgateUrl, pid: started.chgate.pid });
      for (const [i, store] of others.entries()) {
        const extra = await stack.startChgate(chgatePort + 1 + i, withStore(store, redisUrl), `${store} store`);
        chgates.push({ store, url: extra.chgateUrl, pid: extra.chgate.pid });
      }
      if (args['access-log'] === 'both') {
        // The access log (on by default: a JSON line per request) is a large share of a hit's CPU; the same first
        // store with log.requests: false shows what it costs, in the same run.
        const quiet = (yaml: string, baseDir: string): string => {
          const document = parse(withStore(first, redisUrl)(yaml, baseDir)) as Record<string, unknown>;
          document.log = { ...(document.log as Record<string, unknown> | undefined), requests: false };
          return stringify(document);
        };
        const twin = await stack.startChgate(chgatePort + others.length + 1, quiet, `${first} store, log.requests: false`);
        chgates.push({ store: first, url: twin.chgateUrl, pid: twin.chgate.pid, label: `${first}, no access log` });
      }
      // The no_cache cells run on a chgate of their own: pass-through traffic leaves garbage and pooled connections
      // that made the hits of a chgate serving both ~10 us dearer than those of its twins.
      const passThrough = await stack.startChgate(chgatePort + others.length + 2, withStore(first, redisUrl), `${first} store, no_cache cells`);
      noCache = { url: passThrough.chgateUrl, pid: passThrough.chgate.pid };
      baseUrl = started.chgateUrl;
      pid = started.chgate.pid;
      clusterPids = started.cluster.pids;
    }

    // The reference bytes, straight from ClickHouse through chgate; then, on each chgate, one miss to fill the entry.
    const fetchOnce = async (url: string, path: string) => {
      const pool = new Pool(url, { connections: 1 });
      try {
        const response = await pool.request({ path, method: 'POST', headers: credentialHeaders(), body: QUERY });
        return { text: await response.body.text(), status: response.statusCode, cache: response.headers['x-cache'] };
      } finally {
        await pool.close();
      }
    };
    const reference = await fetchOnce(baseUrl, '/?no_cache=1');
    if (reference.status !== 200) throw new Error(`the query failed: HTTP ${reference.status}: ${reference.text}`);
    for (const chgate of chgates) {
      const fill = await fetchOnce(chgate.url, '/');
      // The entry reaches the redis store a moment after the miss's response.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const check = await fetchOnce(chgate.url, '/');
      if (check.cache !== 'HIT' || check.text !== reference.text) {
        throw new Error(`the cache does not serve the query on ${chgate.url} (X-Cache ${String(fill.cache)}, then ${String(check.cache)}): is it on in this chgate?`);
      }
    }

    const useWrk = args.load === 'wrk' || (args.load === 'auto' && pid !== undefined && hasWrk());
    // With wrk (on the other core), a bare node:http server on chgate's core, in the same slices.
    if (useWrk && pid !== undefined) {
      const barePort = chgatePort + 8;
      bare = startBareServer(barePort, reference.text);
      await waitForHttpOk(`http://127.0.0.1:${barePort}/`, undefined, 5_000);
    }
    if (useWrk) {
      for (const chgate of chgates) if (chgate.pid !== undefined) pinProcess(chgate.pid, '0');
      if (noCache?.pid !== undefined) pinProcess(noCache.pid, '0');
      if (bare?.pid !== undefined) pinProcess(bare.pid, '0');
      // In production Redis is another machine; here it shares the load generator's core, not chgate's.
      const redisPid = stack.redisPid();
      if (redisPid !== undefined) pinProcess(redisPid, '1');
      // So is ClickHouse (and ZooKeeper): idle during hits, but its background threads would take chgate's core.
      for (const clusterPid of clusterPids) pinProcess(clusterPid, '1');
    }
    console.log(`cache hit path: ${JSON.stringify(QUERY)} → ${Buffer.byteLength(reference.text)} bytes of TSV`);
    console.log(
      useWrk
        ? `HTTP POST keep-alive, wrk pinned to CPU 1${pid === undefined ? '' : ', chgate pinned to CPU 0'} (${availableParallelism()} CPUs); chgate ${baseUrl}`
        : `HTTP POST keep-alive (undici Pool), ${availableParallelism()} CPUs, load client on the same host; chgate ${baseUrl}`,
    );
    console.log(`${durationMs / 1000} s per cell in ${slices} interleaved slices, after a ${warmupMs / 1000} s warm-up; every response checked (bytes, X-Cache)\n`);
    const targets: Target[] = [
      ...chgates.map((chgate): Target => ({ name: `hit (${chgate.label ?? chgate.store})`, url: chgate.url, pid: chgate.pid, path: '/', expectedCache: 'HIT' })),
      { name: 'no_cache', url: noCache?.url ?? baseUrl, pid: noCache?.pid ?? pid, path: '/?no_cache=1', expectedCache: 'BYPASS' },
      ...(bare ? [{ name: BARE, url: `http://127.0.0.1:${chgatePort + 8}`, pid: bare.pid, path: '/', expectedCache: undefined }] : []),
    ];
    const rows: Row[] = [];
    for (const concurrency of concurrencies) {
      rows.push(
        ...(useWrk
          ? await measureWithWrk(targets, concurrency, { durationMs, warmupMs, slices })
          : await measure(targets, concurrency, { durationMs, warmupMs, slices, expected: reference.text })),
      );
    }
    printHitTable(rows);
    if (pid === undefined) console.log('(chgate CPU columns need the bench to start chgate itself)');

    if (keys > 0) await memoryCheck(baseUrl, keys, args.url === undefined ? limitBytes : undefined, pid);
  } finally {
    bare?.kill();
    await stack.stop();
  }
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
