/**
 * chgate side by side with direct ClickHouse and nginx (issue #9): one command starts its own ClickHouse (the local
 * cluster of scripts/local-cluster.ts, one node), nginx in two configurations (pass-through with upstream keep-alive;
 * proxy_cache keyed on the POST body), chgate (memory cache; `no_cache=1` for the cache-off cells) and, for the
 * pass-through workloads, a minimal Node.js proxy (bench/lib/minimal-node-proxy.ts: the floor of any Node proxy's
 * cost on that core), then runs every
 * workload × target × connection count, each cell interleaved with its baselines in short slices (alternating order)
 * after a warm-up, and prints one table per workload: req/s, MB/s, p50, p99, the proxy's peak RSS, CPU per request
 * (proxy and ClickHouse, from /proc), the ratios to direct and to nginx, and whether the issue's target is met.
 *
 * Load: wrk (Debian) pinned to CPU 1 for the fixed-request workloads; the harness itself (Node, also on CPU 1) for
 * the streamed INSERT and the mixed dashboard load, whose answers it checks (zero stale reads through chgate).
 * The proxy under test and ClickHouse share CPU 0, as in the issue's measurement. `--no-pin` leaves all unpinned.
 *
 *   apt-get install -y --no-install-recommends nginx-light wrk   # with a policy-rc.d that exits 101: no service starts
 *   npm run build && npx tsx bench/vs-nginx.ts --quick           # ~3 minutes
 *   npx tsx bench/vs-nginx.ts                                    # full run (1 GiB INSERT, longer cells): ~11 minutes
 *   npx tsx bench/vs-nginx.ts --only select1,hit-1k             # some workloads
 *   npx tsx bench/vs-nginx.ts --profile [--quick]                # chgate under --cpu-prof on the pass-through and hit paths
 *
 * Results: bench/results/<timestamp>/ (git-ignored): every raw wrk output, table.txt, summary.json, profiles/.
 * Ports: ZooKeeper and ClickHouse from --base-port (21400: 21400, 21410-21412), chgate +80, nginx +81 and +82,
 * the profiled chgate +83, the bare Node server +84, the minimal Node proxy +85; files under
 * <tmpdir>/chgate-bench-<base-port>.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { cacheRequestsTotal } from './lib/chgate-metrics.js';
import { Pool, request } from 'undici';
import { parse, stringify } from 'yaml';
import {
  LOCAL_USERS,
  queryNode,
  renderChgateConfig,
  startChgateProcess,
  spawnLogged,
  startLocalCluster,
  stopManagedProcess,
  waitForHttpOk,
  type LocalCluster,
  type ManagedProcess,
} from '../scripts/local-cluster.js';
import { chgateProcessEnv } from '../scripts/chgate-process-env.js';
import { hasNginx, startNginx, NGINX_BINARY } from './lib/nginx.js';
import { cpuMsOf, sampleRss, withChildren } from './lib/proc-stats.js';
import { profileFiles, summarizeFile } from './lib/profile-summary.js';
import { median, percentile, printTable } from './lib/report.js';
import { hasWrk, pinProcess, runWrkAsync, type WrkResult } from './lib/wrk.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    'base-port': { type: 'string', default: '21400' },
    'no-pin': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});

type TargetKey = 'direct' | 'nginx' | 'nginx-cache' | 'chgate' | 'chgate-cache' | 'bare-node' | 'node-proxy';

const TARGET_LABELS: Record<TargetKey, string> = {
  direct: 'direct',
  nginx: 'nginx pass',
  'nginx-cache': 'nginx cache',
  chgate: 'chgate no_cache',
  'chgate-cache': 'chgate cache',
  'bare-node': 'bare node http',
  'node-proxy': 'minimal node proxy',
};

interface Target {
  key: TargetKey;
  base: string;
  /** Path for reads (chgate cache off: `/?no_cache=1`). */
  readPath: string;
  readHeaders: Record<string, string>;
  writeHeaders: Record<string, string>;
  /** The proxy's processes (CPU, RSS); empty for direct. */
  pids: number[];
  /** The response header telling a cache hit, and its value. */
  hitHeader?: string;
}

interface Settings {
  sliceSeconds: number;
  slices: number;
  warmupSeconds: number;
  insertMiB: number;
  insertRounds: number;
  mixedSliceMs: number;
  mixedSlices: number;
  mixedClients: number;
  profileSeconds: number;
}

const SETTINGS: Record<'quick' | 'full', Settings> = {
  quick: { sliceSeconds: 1, slices: 2, warmupSeconds: 1, insertMiB: 100, insertRounds: 1, mixedSliceMs: 3_000, mixedSlices: 2, mixedClients: 16, profileSeconds: 5 },
  full: { sliceSeconds: 2, slices: 5, warmupSeconds: 2, insertMiB: 1024, insertRounds: 2, mixedSliceMs: 10_000, mixedSlices: 3, mixedClients: 16, profileSeconds: 20 },
};

/** One row of a workload's table: a target at a connection count, over all its slices. */
interface Cell {
  workload: string;
  connections: number;
  target: TargetKey;
  requests: number;
  seconds: number;
  bytes: number;
  rps: number;
  mbPerSecond: number;
  /** Medians of the slices' percentiles (wrk), or over all requests (harness-driven loads). */
  p50Ms: number;
  p99Ms: number;
  peakRssBytes: number | undefined;
  proxyCpuUsPerRequest: number | undefined;
  clickhouseCpuUsPerRequest: number;
  errors: number;
  /** Mixed load: reads older than what was acknowledged before they began; cache hits. */
  stale?: number;
  hits?: number;
}

interface Goal {
  workload: string;
  text: string;
  measured: string;
  met: boolean;
}

interface WrkWorkload {
  name: string;
  title: string;
  sql: string;
  targets: TargetKey[];
  connections: number[];
  /** The nginx the ratio column compares with. */
  nginx: 'nginx' | 'nginx-cache';
  /** Report MB/s as the headline (large results). */
  throughput?: boolean;
  goals(cells: Cell[]): Goal[];
}

const cellOf = (cells: Cell[], target: TargetKey, connections: number) =>
  cells.find((c) => c.target === target && c.connections === connections);

/** `subject` ≥ factor × `baseline` in `field`, at every connection count both have. */
function ratioGoals(workload: string, cells: Cell[], subject: TargetKey, baseline: TargetKey, factor: number, field: 'rps' | 'mbPerSecond'): Goal[] {
  const goals: Goal[] = [];
  for (const connections of new Set(cells.map((c) => c.connections))) {
    const a = cellOf(cells, subject, connections);
    const b = cellOf(cells, baseline, connections);
    if (!a || !b) continue;
    const value = a[field] / b[field];
    goals.push({
      workload,
      text: `${TARGET_LABELS[subject]} ≥ ${factor}× ${TARGET_LABELS[baseline]} ${field === 'rps' ? 'req/s' : 'MB/s'} at ${connections} conn`,
      measured: `${value.toFixed(2)}×`,
      met: value >= factor,
    });
  }
  return goals;
}

function rssGoals(workload: string, cells: Cell[], limitMiB: number): Goal[] {
  const peak = Math.max(...cells.filter((c) => c.target === 'chgate').map((c) => c.peakRssBytes ?? 0));
  return [{ workload, text: `chgate RSS under ${limitMiB} MB`, measured: `${(peak / 2 ** 20).toFixed(0)} MiB peak`, met: peak < limitMiB * 2 ** 20 }];
}

/** 44 rows of `number, cityHash64(number)`: 1,017 bytes of TSV (as in bench/cache-hit.ts). */
const HIT_1K = 'SELECT number, cityHash64(number) FROM numbers(44)';
/** About 100 KB of TSV. */
const HIT_100K = 'SELECT number, cityHash64(number) FROM numbers(4200)';
/** About 10 MB of TSV. */
const STREAM_10M = 'SELECT number, cityHash64(number) FROM numbers(380000)';
const LOOKUP = 'SELECT k, v, s FROM bench.lookup WHERE k BETWEEN 500000 AND 500009';
const LOOKUP_ROWS = 1_000_000;

/** Hits of one result: chgate's cache against nginx's proxy_cache (and direct, which computes it every time). */
function hitWorkload(name: string, title: string, sql: string): WrkWorkload {
  return {
    name,
    title,
    sql,
    targets: ['direct', 'nginx-cache', 'chgate-cache'],
    connections: [16, 64],
    nginx: 'nginx-cache',
    goals: (cells) => ratioGoals(name, cells, 'chgate-cache', 'nginx-cache', 0.45, 'rps'),
  };
}

const WRK_WORKLOADS: WrkWorkload[] = [
  {
    name: 'select1',
    title: 'SELECT 1 (pass-through)',
    sql: 'SELECT 1',
    // The bare Node server answers "1\n" without ClickHouse: the ceiling of any Node process on that core. The
    // minimal Node proxy (bench/lib/minimal-node-proxy.ts) is the floor of any Node proxy's cost.
    targets: ['direct', 'nginx', 'chgate', 'node-proxy', 'bare-node'],
    connections: [1, 16, 64],
    nginx: 'nginx',
    goals: (cells) => ratioGoals('select1', cells, 'chgate', 'nginx', 0.9, 'rps'),
  },
  {
    name: 'lookup',
    title: `10-row indexed lookup in a ${LOOKUP_ROWS / 1e6}M-row MergeTree (pass-through)`,
    sql: LOOKUP,
    targets: ['direct', 'nginx', 'chgate', 'node-proxy'],
    connections: [1, 16, 64],
    nginx: 'nginx',
    goals: (cells) => {
      const goals = ratioGoals('lookup', cells, 'chgate', 'direct', 0.9, 'rps');
      const a = cellOf(cells, 'chgate', 16);
      const b = cellOf(cells, 'direct', 16);
      if (a && b) {
        const added = a.p99Ms - b.p99Ms;
        goals.push({ workload: 'lookup', text: 'chgate p99 ≤ direct p99 + 1 ms at 16 conn', measured: `${added >= 0 ? '+' : ''}${added.toFixed(2)} ms`, met: added <= 1 });
      }
      return goals;
    },
  },
  hitWorkload('hit-1k', 'cache hits, ~1 KB result', HIT_1K),
  hitWorkload('hit-100k', 'cache hits, ~100 KB result', HIT_100K),
  {
    name: 'stream-10m',
    title: '~10 MB result streamed (pass-through)',
    sql: STREAM_10M,
    targets: ['direct', 'nginx', 'chgate', 'node-proxy'],
    connections: [1, 4],
    nginx: 'nginx',
    throughput: true,
    goals: (cells) => [...ratioGoals('stream-10m', cells, 'chgate', 'direct', 0.9, 'mbPerSecond'), ...rssGoals('stream-10m', cells, 150)],
  },
];
/** node:http answering every request with a fixed 2-byte body (what SELECT 1 returns), after reading the body. */
const BARE_NODE_SERVER =
  "require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.end('1\\n')); }).listen(Number(process.argv[1]), '127.0.0.1');";

const WORKLOAD_NAMES = [...WRK_WORKLOADS.map((w) => w.name), 'insert', 'mixed'];

/** Everything the run started, stopped in reverse order (also on Ctrl-C). */
interface Stack {
  cluster: LocalCluster;
  chgate: ManagedProcess;
  processes: ManagedProcess[];
  targets: Map<TargetKey, Target>;
  clickhousePids: number[];
  basePort: number;
  chgateYaml: string;
  pin: boolean;
}

const mib = (bytes: number | undefined) => (bytes === undefined || bytes === 0 ? '-' : (bytes / 2 ** 20).toFixed(0));
const fixed = (value: number | undefined, digits: number) => (value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits));

/** Writes to the console and to table.txt of the results. */
function createOutput(resultsDir: string): (line?: string) => void {
  const file = join(resultsDir, 'table.txt');
  return (line = '') => {
    console.log(line);
    appendFileSync(file, `${line}\n`);
  };
}

function chgateConfig(cluster: LocalCluster, port: number): string {
  const document = parse(renderChgateConfig(cluster, { listenPort: port, connectionsPerNode: 64 })) as Record<string, unknown>;
  document.cache = { enabled: true, max_memory_bytes: 256 * 2 ** 20, max_entry_bytes: 16 * 2 ** 20, store: { kind: 'memory' } };
  return stringify(document);
}

async function startStack(basePort: number, pin: boolean): Promise<{ stack: Stack; stop: () => Promise<void> }> {
  const baseDir = join(tmpdir(), `chgate-bench-${basePort}`);
  console.error(`starting ClickHouse (one node) and ZooKeeper under ${baseDir} ...`);
  const cluster = await startLocalCluster({ baseDir, basePort, replicas: 0, sampleTable: false });
  const processes: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const each of processes.splice(0).reverse()) await stopManagedProcess(each, 10_000);
      await cluster.stop();
    })();
    return stopping;
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stop().finally(() => process.exit(130)));
  try {
    await createTables(cluster);
    const chgatePort = basePort + 80;
    const chgateYaml = chgateConfig(cluster, chgatePort);
    const configPath = join(baseDir, 'chgate.yaml');
    writeFileSync(configPath, chgateYaml);
    console.error(`starting chgate on 127.0.0.1:${chgatePort} ...`);
    const chgate = await startChgateProcess({ root: ROOT, configPath, logFile: join(baseDir, 'chgate.log'), pingUrl: `http://127.0.0.1:${chgatePort}/ping` });
    processes.push(chgate);
    const upstream = `127.0.0.1:${cluster.writer.httpPort}`;
    console.error(`starting nginx pass-through on ${basePort + 81} and proxy_cache on ${basePort + 82} ...`);
    const nginxPass = await startNginx({ mode: 'pass', dir: join(baseDir, 'nginx-pass'), listenPort: basePort + 81, upstream });
    processes.push(nginxPass);
    const nginxCache = await startNginx({ mode: 'cache', dir: join(baseDir, 'nginx-cache'), listenPort: basePort + 82, upstream });
    processes.push(nginxCache);
    const barePort = basePort + 84;
    const bareNode = spawnLogged('bare-node', process.execPath, ['-e', BARE_NODE_SERVER, String(barePort)], { cwd: baseDir, logFile: join(baseDir, 'bare-node.log') });
    processes.push(bareNode);
    await waitForHttpOk(`http://127.0.0.1:${barePort}/ping`, bareNode, 15_000);
    const nodeProxyPort = basePort + 85;
    const nodeProxy = spawnLogged('node-proxy', process.execPath, ['--import', 'tsx', join(ROOT, 'bench/lib/minimal-node-proxy.ts'), String(nodeProxyPort), `http://${upstream}`], {
      cwd: ROOT,
      logFile: join(baseDir, 'node-proxy.log'),
      env: chgateProcessEnv(process.env),
    });
    processes.push(nodeProxy);
    await waitForHttpOk(`http://127.0.0.1:${nodeProxyPort}/ping`, nodeProxy, 15_000);

    const reader = { 'x-clickhouse-user': LOCAL_USERS.reader.user, 'x-clickhouse-key': LOCAL_USERS.reader.password };
    const writer = { 'x-clickhouse-user': LOCAL_USERS.writer.user, 'x-clickhouse-key': LOCAL_USERS.writer.password };
    const chgateBase = `http://127.0.0.1:${chgatePort}`;
    const targets = new Map<TargetKey, Target>([
      ['direct', { key: 'direct', base: cluster.writer.url, readPath: '/', readHeaders: reader, writeHeaders: writer, pids: [] }],
      ['nginx', { key: 'nginx', base: `http://127.0.0.1:${basePort + 81}`, readPath: '/', readHeaders: reader, writeHeaders: writer, pids: withChildren(nginxPass.pid) }],
      ['nginx-cache', { key: 'nginx-cache', base: `http://127.0.0.1:${basePort + 82}`, readPath: '/', readHeaders: reader, writeHeaders: writer, pids: withChildren(nginxCache.pid), hitHeader: 'x-cache-status' }],
      // chgate's proxy user `default` (no password) reads as the reader and writes as the writer.
      ['chgate', { key: 'chgate', base: chgateBase, readPath: '/?no_cache=1', readHeaders: {}, writeHeaders: {}, pids: [chgate.pid] }],
      ['chgate-cache', { key: 'chgate-cache', base: chgateBase, readPath: '/', readHeaders: {}, writeHeaders: {}, pids: [chgate.pid], hitHeader: 'x-cache' }],
      ['bare-node', { key: 'bare-node', base: `http://127.0.0.1:${barePort}`, readPath: '/', readHeaders: {}, writeHeaders: {}, pids: [bareNode.pid] }],
      ['node-proxy', { key: 'node-proxy', base: `http://127.0.0.1:${nodeProxyPort}`, readPath: '/', readHeaders: reader, writeHeaders: writer, pids: [nodeProxy.pid] }],
    ]);
    const clickhousePids = [cluster.writer.pid];
    if (pin) {
      // The proxy under test and ClickHouse (with ZooKeeper) share CPU 0; wrk and this harness get CPU 1.
      for (const pid of [...clickhousePids, cluster.zookeeper.pid, chgate.pid, ...withChildren(nginxPass.pid), ...withChildren(nginxCache.pid), bareNode.pid, nodeProxy.pid]) pinProcess(pid, '0');
      pinProcess(process.pid, '1');
    }
    return { stack: { cluster, chgate, processes, targets, clickhousePids, basePort, chgateYaml, pin }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function createTables(cluster: LocalCluster): Promise<void> {
  const run = (sql: string) => queryNode(cluster.writer, sql, { timeoutMs: 300_000 });
  await run('CREATE DATABASE IF NOT EXISTS bench');
  await run('CREATE TABLE bench.lookup (k UInt64, v UInt64, s String) ENGINE = MergeTree ORDER BY k');
  console.error(`filling bench.lookup with ${LOOKUP_ROWS} rows ...`);
  await run(`INSERT INTO bench.lookup SELECT number, cityHash64(number) % 1000, hex(cityHash64(number)) FROM numbers(${LOOKUP_ROWS})`);
  await run('OPTIMIZE TABLE bench.lookup FINAL');
  // The INSERT workload measures the proxy's streaming, not the disk: ClickHouse parses every row, then drops it.
  await run('CREATE TABLE bench.sink (k UInt64, v UInt64, s String) ENGINE = Null');
  for (const suffix of ['direct', 'nginx', 'chgate']) {
    await run(`CREATE TABLE bench.mixed_${suffix} (g UInt8, id UInt64, v UInt64) ENGINE = MergeTree ORDER BY (g, id)`);
  }
}

async function fetchOnce(target: Target, sql: string): Promise<{ status: number; text: string; hit: string | undefined }> {
  const response = await request(new URL(target.readPath, target.base), { method: 'POST', headers: target.readHeaders, body: sql });
  const text = await response.body.text();
  const header = target.hitHeader === undefined ? undefined : response.headers[target.hitHeader];
  return { status: response.statusCode, text, hit: header === undefined ? undefined : String(header) };
}

/** Same bytes as direct from every target; the caches filled and answering HIT. */
async function checkAnswers(stack: Stack, workload: WrkWorkload): Promise<number> {
  const reference = await fetchOnce(stack.targets.get('direct')!, workload.sql);
  if (reference.status !== 200) throw new Error(`${workload.name}: direct answered ${reference.status}: ${reference.text.slice(0, 300)}`);
  for (const key of workload.targets) {
    const target = stack.targets.get(key)!;
    let answer = await fetchOnce(target, workload.sql);
    if (target.hitHeader !== undefined) {
      await new Promise((done) => setTimeout(done, 100));
      answer = await fetchOnce(target, workload.sql);
      if (answer.hit !== 'HIT') throw new Error(`${workload.name}: ${key} does not serve it from its cache (${target.hitHeader}: ${String(answer.hit)})`);
    }
    if (answer.status !== 200 || answer.text !== reference.text) {
      throw new Error(`${workload.name}: ${key} answered ${answer.status} with ${answer.text.length} bytes, direct ${reference.text.length}: ${answer.text.slice(0, 200)}`);
    }
  }
  return Buffer.byteLength(reference.text);
}

/** Sum of chgate_cache_requests_total{result=...}: wrk does not read bodies, chgate's own count shows what it served. */
const chgateCount = (stack: Stack, result: string): Promise<number> => cacheRequestsTotal(stack.targets.get('chgate')!.base, result);

interface SliceResult {
  wrk: WrkResult;
  proxyCpuMs: number;
  clickhouseCpuMs: number;
  peakRssBytes: number;
  unexplained: number;
}

async function wrkSlice(stack: Stack, target: Target, sql: string, connections: number, seconds: number, raw: string): Promise<SliceResult> {
  const expected = target.key === 'chgate' ? 'bypass' : target.key === 'chgate-cache' ? 'hit' : undefined;
  const countBefore = expected === undefined ? 0 : await chgateCount(stack, expected);
  const proxyBefore = cpuMsOf(target.pids);
  const clickhouseBefore = cpuMsOf(stack.clickhousePids);
  const rss = sampleRss(target.pids);
  const wrk = await runWrkAsync({
    url: new URL(target.readPath, target.base).toString(),
    method: 'POST',
    body: sql,
    headers: target.readHeaders,
    connections,
    durationSeconds: seconds,
    ...(stack.pin ? { pinCpu: '1' } : {}),
  });
  const peakRssBytes = rss.stop();
  const proxyCpuMs = cpuMsOf(target.pids) - proxyBefore;
  const clickhouseCpuMs = cpuMsOf(stack.clickhousePids) - clickhouseBefore;
  writeFileSync(raw, wrk.output);
  // Requests in flight when wrk stops are counted by chgate, not by wrk: at most one per connection.
  const unexplained = expected === undefined ? 0 : Math.max(0, Math.abs((await chgateCount(stack, expected)) - countBefore - wrk.requests) - connections);
  return { wrk, proxyCpuMs, clickhouseCpuMs, peakRssBytes, unexplained };
}

function cellFrom(workload: string, connections: number, target: Target, slices: SliceResult[]): Cell {
  const requests = slices.reduce((sum, s) => sum + s.wrk.requests, 0);
  const seconds = slices.reduce((sum, s) => sum + s.wrk.seconds, 0);
  const bytes = slices.reduce((sum, s) => sum + s.wrk.bytesRead, 0);
  const perRequest = (ms: number) => (ms * 1000) / Math.max(1, requests);
  return {
    workload,
    connections,
    target: target.key,
    requests,
    seconds,
    bytes,
    rps: requests / seconds,
    mbPerSecond: bytes / 2 ** 20 / seconds,
    p50Ms: median(slices.map((s) => s.wrk.p50Ms)),
    p99Ms: median(slices.map((s) => s.wrk.p99Ms)),
    peakRssBytes: target.pids.length === 0 ? undefined : Math.max(...slices.map((s) => s.peakRssBytes)),
    proxyCpuUsPerRequest: target.pids.length === 0 ? undefined : perRequest(slices.reduce((sum, s) => sum + s.proxyCpuMs, 0)),
    clickhouseCpuUsPerRequest: perRequest(slices.reduce((sum, s) => sum + s.clickhouseCpuMs, 0)),
    errors: slices.reduce((sum, s) => sum + s.wrk.errors + s.unexplained, 0),
  };
}

async function runWrkWorkload(stack: Stack, workload: WrkWorkload, settings: Settings, rawDir: string): Promise<Cell[]> {
  const size = await checkAnswers(stack, workload);
  console.error(`${workload.name}: ${size} bytes per answer; ${workload.targets.join(', ')} at ${workload.connections.join(', ')} conn`);
  const targets = workload.targets.map((key) => stack.targets.get(key)!);
  const cells: Cell[] = [];
  for (const connections of workload.connections) {
    for (const target of targets) await wrkSlice(stack, target, workload.sql, connections, settings.warmupSeconds, join(rawDir, `${workload.name}-c${connections}-${target.key}-warmup.txt`));
    const slices = targets.map((): SliceResult[] => []);
    for (let slice = 0; slice < settings.slices; slice += 1) {
      const order = slice % 2 === 0 ? [...targets.keys()] : [...targets.keys()].reverse();
      for (const i of order) {
        const target = targets[i]!;
        slices[i]!.push(await wrkSlice(stack, target, workload.sql, connections, settings.sliceSeconds, join(rawDir, `${workload.name}-c${connections}-${target.key}-${slice}.txt`)));
      }
    }
    cells.push(...targets.map((target, i) => cellFrom(workload.name, connections, target, slices[i]!)));
  }
  // The caches must still answer from their entries after the load.
  for (const target of targets) {
    if (target.hitHeader === undefined) continue;
    const after = await fetchOnce(target, workload.sql);
    if (after.hit !== 'HIT') throw new Error(`${workload.name}: ${target.key} stopped serving hits (${String(after.hit)})`);
  }
  return cells;
}

/** One streamed INSERT of `mib` MiB of TSV (a 1 MiB block of rows repeated) into the Null table. */
async function insertOnce(stack: Stack, target: Target, mib: number): Promise<Cell> {
  const rows: string[] = [];
  let size = 0;
  for (let i = 0; size < 2 ** 20; i += 1) {
    const row = `${i}\t${(i * 7919) % 1000}\t${(i * 2654435761).toString(16)}\n`;
    rows.push(row);
    size += row.length;
  }
  const block = Buffer.from(rows.join('')).subarray(0, 2 ** 20);
  const cut = block.lastIndexOf(10) + 1;
  const chunk = block.subarray(0, cut);
  const head = Buffer.from('INSERT INTO bench.sink FORMAT TabSeparated\n');
  async function* body() {
    yield head;
    for (let i = 0; i < mib; i += 1) yield chunk;
  }
  const bytes = head.length + chunk.length * mib;
  const proxyBefore = cpuMsOf(target.pids);
  const clickhouseBefore = cpuMsOf(stack.clickhousePids);
  const rss = sampleRss(target.pids);
  const started = performance.now();
  const response = await request(new URL('/', target.base), { method: 'POST', headers: target.writeHeaders, body: Readable.from(body()), headersTimeout: 600_000, bodyTimeout: 600_000 });
  const text = await response.body.text();
  const seconds = (performance.now() - started) / 1000;
  const peakRssBytes = rss.stop();
  if (response.statusCode !== 200) console.error(`insert through ${target.key}: HTTP ${response.statusCode}: ${text.slice(0, 300)}`);
  return {
    workload: 'insert',
    connections: 1,
    target: target.key,
    requests: 1,
    seconds,
    bytes,
    rps: 1 / seconds,
    mbPerSecond: bytes / 2 ** 20 / seconds,
    p50Ms: seconds * 1000,
    p99Ms: seconds * 1000,
    peakRssBytes: target.pids.length === 0 ? undefined : peakRssBytes,
    proxyCpuUsPerRequest: target.pids.length === 0 ? undefined : (cpuMsOf(target.pids) - proxyBefore) * 1000,
    clickhouseCpuUsPerRequest: (cpuMsOf(stack.clickhousePids) - clickhouseBefore) * 1000,
    errors: response.statusCode === 200 ? 0 : 1,
  };
}

async function runInsert(stack: Stack, settings: Settings): Promise<Cell[]> {
  const keys: TargetKey[] = ['direct', 'nginx', 'chgate', 'node-proxy'];
  const runs = new Map<TargetKey, Cell[]>(keys.map((key) => [key, []]));
  console.error(`insert: ${settings.insertMiB} MiB streamed, ${settings.insertRounds} round(s) per target`);
  for (let round = 0; round < settings.insertRounds; round += 1) {
    for (const key of round % 2 === 0 ? keys : [...keys].reverse()) runs.get(key)!.push(await insertOnce(stack, stack.targets.get(key)!, settings.insertMiB));
  }
  return keys.map((key) => {
    const all = runs.get(key)!;
    const seconds = all.reduce((sum, c) => sum + c.seconds, 0);
    const bytes = all.reduce((sum, c) => sum + c.bytes, 0);
    const peaks = all.map((c) => c.peakRssBytes).filter((v): v is number => v !== undefined);
    const proxy = all.map((c) => c.proxyCpuUsPerRequest).filter((v): v is number => v !== undefined);
    return {
      ...all[0]!,
      requests: all.length,
      seconds,
      bytes,
      rps: all.length / seconds,
      mbPerSecond: bytes / 2 ** 20 / seconds,
      p50Ms: median(all.map((c) => c.p50Ms)),
      p99Ms: Math.max(...all.map((c) => c.p99Ms)),
      peakRssBytes: peaks.length === 0 ? undefined : Math.max(...peaks),
      proxyCpuUsPerRequest: proxy.length === 0 ? undefined : proxy.reduce((a, b) => a + b, 0) / proxy.length,
      clickhouseCpuUsPerRequest: all.reduce((sum, c) => sum + c.clickhouseCpuUsPerRequest, 0) / all.length,
      errors: all.reduce((sum, c) => sum + c.errors, 0),
    };
  });
}

/** Per target of the mixed load: what was sent and acknowledged per group of its table (bounds for every read). */
interface MixedState {
  table: string;
  sent: Array<{ count: number; sum: number }>;
  acked: Array<{ count: number; sum: number }>;
  nextId: number;
}

const MIXED_GROUPS = 10;
/** 40 dashboard panels over the static table, next to MIXED_GROUPS checked reads of the table that gets the inserts. */
const PANELS = Array.from(
  { length: 40 },
  (_, i) => `SELECT k % 10 AS b, count(), sum(v) FROM bench.lookup WHERE k BETWEEN ${i * 20000} AND ${i * 20000 + 99999} GROUP BY b ORDER BY b`,
);

interface MixedTally {
  reads: number;
  writes: number;
  errors: number;
  stale: number;
  ahead: number;
  hits: number;
  latencies: number[];
  firstProblem?: string;
}

async function mixedSlice(target: Target, state: MixedState, pool: Pool, clients: number, durationMs: number, tally: MixedTally): Promise<number> {
  const deadline = performance.now() + durationMs;
  const started = performance.now();
  const problem = (text: string) => {
    tally.firstProblem ??= text;
  };
  const send = async (sql: string, headers: Record<string, string>, path: string) => {
    const response = await pool.request({ path, method: 'POST', headers, body: sql });
    const text = await response.body.text();
    const hit = target.hitHeader === undefined ? undefined : response.headers[target.hitHeader];
    return { status: response.statusCode, text, hit: hit === 'HIT' };
  };
  const write = async () => {
    const g = Math.floor(Math.random() * MIXED_GROUPS);
    const rows = Array.from({ length: 1 + Math.floor(Math.random() * 3) }, () => ({ id: state.nextId++, v: 1 + Math.floor(Math.random() * 1000) }));
    const sum = rows.reduce((total, row) => total + row.v, 0);
    state.sent[g]!.count += rows.length;
    state.sent[g]!.sum += sum;
    const response = await send(`INSERT INTO ${state.table} (g, id, v) VALUES ${rows.map((r) => `(${g}, ${r.id}, ${r.v})`).join(', ')}`, target.writeHeaders, '/');
    if (response.status === 200) {
      state.acked[g]!.count += rows.length;
      state.acked[g]!.sum += sum;
      tally.writes += 1;
    } else {
      tally.errors += 1;
      problem(`INSERT: HTTP ${response.status}: ${response.text.slice(0, 200)}`);
    }
  };
  const read = async () => {
    const pick = Math.floor(Math.random() * (MIXED_GROUPS + PANELS.length));
    const checked = pick < MIXED_GROUPS;
    const sql = checked ? `SELECT count(), sum(v) FROM ${state.table} WHERE g = ${pick}` : PANELS[pick - MIXED_GROUPS]!;
    const low = checked ? { ...state.acked[pick]! } : undefined;
    const response = await send(sql, target.readHeaders, target.readPath);
    tally.reads += 1;
    if (response.hit) tally.hits += 1;
    if (response.status !== 200 || response.text.length === 0) {
      tally.errors += 1;
      problem(`read: HTTP ${response.status}: ${response.text.slice(0, 200)}`);
      return;
    }
    if (!low) return;
    const [count, sum] = response.text.trim().split('\t').map(Number) as [number, number];
    const high = state.sent[pick]!;
    if (count < low.count || sum < low.sum) {
      tally.stale += 1;
      problem(`STALE group ${pick}: count ${count} sum ${sum}, acknowledged before the read ${low.count}/${low.sum}`);
    } else if (count > high.count || sum > high.sum) {
      tally.ahead += 1;
      problem(`AHEAD group ${pick}: count ${count} sum ${sum}, sent ${high.count}/${high.sum}`);
    }
  };
  const client = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        await (Math.random() < 0.1 ? write() : read());
        tally.latencies.push(performance.now() - t0);
      } catch (error) {
        tally.errors += 1;
        problem(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, client));
  return (performance.now() - started) / 1000;
}

async function runMixed(stack: Stack, settings: Settings): Promise<Cell[]> {
  const keys: TargetKey[] = ['direct', 'nginx-cache', 'chgate-cache'];
  const suffix: Record<string, string> = { direct: 'direct', 'nginx-cache': 'nginx', 'chgate-cache': 'chgate' };
  const targets = keys.map((key) => stack.targets.get(key)!);
  // Each target has a table of its own: rows inserted around one proxy must not make another look stale.
  const states = targets.map((target): MixedState => ({
    table: `bench.mixed_${suffix[target.key]}`,
    sent: Array.from({ length: MIXED_GROUPS }, () => ({ count: 0, sum: 0 })),
    acked: Array.from({ length: MIXED_GROUPS }, () => ({ count: 0, sum: 0 })),
    nextId: 1,
  }));
  const clients = settings.mixedClients;
  const pools = targets.map((target) => new Pool(target.base, { connections: clients, pipelining: 1, keepAliveTimeout: 2_000 }));
  const empty = (): MixedTally => ({ reads: 0, writes: 0, errors: 0, stale: 0, ahead: 0, hits: 0, latencies: [] });
  const tallies = targets.map(empty);
  const seconds = targets.map(() => 0);
  const proxyCpu = targets.map(() => 0);
  const clickhouseCpu = targets.map(() => 0);
  const peaks = targets.map(() => 0);
  console.error(`mixed: ${clients} clients, 90 % reads over ${MIXED_GROUPS + PANELS.length} queries, 10 % inserts; ${settings.mixedSlices} × ${settings.mixedSliceMs / 1000} s per target`);
  try {
    for (const [i, target] of targets.entries()) await mixedSlice(target, states[i]!, pools[i]!, clients, settings.warmupSeconds * 1000, empty());
    for (let slice = 0; slice < settings.mixedSlices; slice += 1) {
      for (const i of slice % 2 === 0 ? [...targets.keys()] : [...targets.keys()].reverse()) {
        const target = targets[i]!;
        const proxyBefore = cpuMsOf(target.pids);
        const clickhouseBefore = cpuMsOf(stack.clickhousePids);
        const rss = sampleRss(target.pids);
        seconds[i]! += await mixedSlice(target, states[i]!, pools[i]!, clients, settings.mixedSliceMs, tallies[i]!);
        peaks[i] = Math.max(peaks[i]!, rss.stop());
        proxyCpu[i]! += cpuMsOf(target.pids) - proxyBefore;
        clickhouseCpu[i]! += cpuMsOf(stack.clickhousePids) - clickhouseBefore;
      }
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
  return targets.map((target, i): Cell => {
    const tally = tallies[i]!;
    if (tally.firstProblem) console.error(`mixed ${target.key}: ${tally.errors} errors, ${tally.stale} stale, ${tally.ahead} ahead; first: ${tally.firstProblem}`);
    const requests = tally.reads + tally.writes;
    const sorted = tally.latencies.sort((a, b) => a - b);
    return {
      workload: 'mixed',
      connections: clients,
      target: target.key,
      requests,
      seconds: seconds[i]!,
      bytes: 0,
      rps: requests / seconds[i]!,
      mbPerSecond: Number.NaN,
      p50Ms: percentile(sorted, 50),
      p99Ms: percentile(sorted, 99),
      peakRssBytes: target.pids.length === 0 ? undefined : peaks[i],
      proxyCpuUsPerRequest: target.pids.length === 0 ? undefined : (proxyCpu[i]! * 1000) / Math.max(1, requests),
      clickhouseCpuUsPerRequest: (clickhouseCpu[i]! * 1000) / Math.max(1, requests),
      errors: tally.errors + tally.ahead,
      stale: tally.stale,
      hits: tally.hits,
    };
  });
}

function printWorkload(out: (line?: string) => void, title: string, cells: Cell[], nginxKey: TargetKey, goals: Goal[], throughput: boolean): void {
  out(`\n== ${title}`);
  const lines = cells.map((cell) => {
    const direct = cellOf(cells, 'direct', cell.connections);
    const nginx = cellOf(cells, nginxKey, cell.connections);
    const field = throughput ? 'mbPerSecond' : 'rps';
    const versus = (base: Cell | undefined) => (base === undefined || base === cell ? '' : `${(cell[field] / base[field]).toFixed(2)}×`);
    return [
      String(cell.connections),
      TARGET_LABELS[cell.target],
      fixed(cell.rps, cell.rps < 100 ? 2 : 0),
      fixed(cell.mbPerSecond, 1),
      fixed(cell.p50Ms, 2),
      fixed(cell.p99Ms, 2),
      mib(cell.peakRssBytes),
      fixed(cell.proxyCpuUsPerRequest, 0),
      fixed(cell.clickhouseCpuUsPerRequest, 0),
      versus(direct),
      versus(nginx),
      String(cell.errors),
      ...(cell.stale === undefined ? [] : [String(cell.stale), `${((100 * (cell.hits ?? 0)) / Math.max(1, cell.requests)).toFixed(0)} %`]),
    ];
  });
  const header = ['conns', 'target', 'req/s', 'MB/s', 'p50 ms', 'p99 ms', 'RSS MiB', 'proxy CPU µs/req', 'CH CPU µs/req', '× direct', `× ${TARGET_LABELS[nginxKey]}`, 'errors'];
  if (cells.some((c) => c.stale !== undefined)) header.push('stale', 'hits');
  printTable(header, lines, 2, out);
  for (const goal of goals) out(`  target: ${goal.text}: ${goal.measured} — ${goal.met ? 'met' : 'NOT met'}`);
}

function versionOf(command: string, args: string[]): string {
  // nginx -v prints to stderr, wrk -v exits 1.
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n')[0]?.replace(/ Copyright.*/, '') ?? 'unknown';
}

/** CPU the idle stack burns (background polls), in ms per second: it is taken from every cell alike. */
async function idleCpu(stack: Stack, ms: number): Promise<{ chgate: number; clickhouse: number }> {
  const chgate = cpuMsOf([stack.chgate.pid]);
  const clickhouse = cpuMsOf(stack.clickhousePids);
  await new Promise((done) => setTimeout(done, ms));
  return { chgate: ((cpuMsOf([stack.chgate.pid]) - chgate) * 1000) / ms, clickhouse: ((cpuMsOf(stack.clickhousePids) - clickhouse) * 1000) / ms };
}

/** chgate under `node --cpu-prof` on one path, one profile per path, summarized. */
async function runProfiles(stack: Stack, settings: Settings, resultsDir: string, out: (line?: string) => void): Promise<void> {
  const port = stack.basePort + 83;
  const paths: Array<{ name: string; path: string; queries: string[] }> = [
    { name: 'pass-through', path: '/?no_cache=1', queries: ['SELECT 1', LOOKUP] },
    { name: 'hit', path: '/', queries: [HIT_1K, HIT_100K] },
  ];
  const configPath = join(stack.cluster.baseDir, 'chgate-profile.yaml');
  writeFileSync(configPath, stack.chgateYaml.replace(/listen_port: \d+/, `listen_port: ${port}`));
  for (const each of paths) {
    const dir = join(resultsDir, 'profiles', each.name);
    mkdirSync(dir, { recursive: true });
    const chgate = await startChgateProcess({
      root: ROOT,
      configPath,
      logFile: join(stack.cluster.baseDir, `chgate-profile-${each.name}.log`),
      pingUrl: `http://127.0.0.1:${port}/ping`,
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    });
    try {
      if (stack.pin) pinProcess(chgate.pid, '0');
      const target: Target = { key: each.name === 'hit' ? 'chgate-cache' : 'chgate', base: `http://127.0.0.1:${port}`, readPath: each.path, readHeaders: {}, writeHeaders: {}, pids: [chgate.pid] };
      for (const sql of each.queries) {
        await fetchOnce(target, sql);
        const slice = await wrkSlice(stack, target, sql, 16, Math.max(1, Math.round(settings.profileSeconds / each.queries.length)), join(dir, `wrk-${each.queries.indexOf(sql)}.txt`));
        out(`profile ${each.name}: ${JSON.stringify(sql)} at 16 conn: ${slice.wrk.requestsPerSecond.toFixed(0)} req/s (under the profiler)`);
      }
    } finally {
      // The profile is written when chgate exits after SIGTERM.
      await stopManagedProcess(chgate, 15_000);
    }
    for (const file of profileFiles(dir)) out(`\n${summarizeFile(file, 20)}`);
  }
}

async function main(): Promise<void> {
  if (args.help) {
    console.log('usage: npx tsx bench/vs-nginx.ts [--quick] [--only select1,lookup,hit-1k,hit-100k,stream-10m,insert,mixed] [--profile] [--no-pin] [--base-port 21400]');
    return;
  }
  const settings = SETTINGS[args.quick ? 'quick' : 'full'];
  const only = args.only === undefined ? WORKLOAD_NAMES : args.only.split(',');
  const unknown = only.filter((name) => !WORKLOAD_NAMES.includes(name));
  if (unknown.length > 0) throw new Error(`unknown workload(s): ${unknown.join(', ')}; known: ${WORKLOAD_NAMES.join(', ')}`);
  if (!hasWrk()) throw new Error('wrk is missing: apt-get install -y wrk');
  if (!hasNginx()) throw new Error(`${NGINX_BINARY} is missing: apt-get install -y --no-install-recommends nginx-light (with a policy-rc.d that exits 101)`);
  const pin = !args['no-pin'] && cpus().length >= 2;
  const basePort = Number(args['base-port']);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const resultsDir = join(ROOT, 'bench', 'results', stamp);
  const rawDir = join(resultsDir, 'raw');
  mkdirSync(rawDir, { recursive: true });
  const out = createOutput(resultsDir);

  const { stack, stop } = await startStack(basePort, pin);
  try {
    const machine = {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      node: process.version,
      nginx: versionOf(NGINX_BINARY, ['-v']),
      clickhouse: (await queryNode(stack.cluster.writer, 'SELECT version()')).trim(),
      wrk: versionOf('wrk', ['-v']),
      load: readFileSync('/proc/loadavg', 'utf8').trim(),
    };
    out(`chgate vs nginx vs direct ClickHouse — ${new Date().toISOString()}, ${args.quick ? 'quick' : 'full'} run`);
    out(`machine: ${machine.cpus} × ${machine.cpuModel}; Node ${machine.node}; ${machine.nginx}; ClickHouse ${machine.clickhouse}; ${machine.wrk}; load average at start ${machine.load}`);
    out(
      pin
        ? 'pinning: wrk and this harness on CPU 1; the proxy under test, ClickHouse and ZooKeeper share CPU 0'
        : 'pinning: none (--no-pin or a single CPU)',
    );
    const idle = await idleCpu(stack, 3_000);
    out(`idle CPU (3 s before the first cell): chgate ${idle.chgate.toFixed(0)} ms/s, ClickHouse ${idle.clickhouse.toFixed(0)} ms/s`);
    out(`cells: ${settings.slices} interleaved slices of ${settings.sliceSeconds} s per target after a ${settings.warmupSeconds} s warm-up; p50/p99 are medians of the slices' wrk percentiles`);
    out('RSS: peak of the proxy (nginx master + worker, or chgate); CPU per request from /proc; × nginx compares with nginx pass-through for cache off, nginx proxy_cache for hits');

    if (args.profile) {
      await runProfiles(stack, settings, resultsDir, out);
      out(`\nprofiles and raw outputs: ${resultsDir}`);
      return;
    }

    const cells: Cell[] = [];
    const goals: Goal[] = [];
    for (const workload of WRK_WORKLOADS) {
      if (!only.includes(workload.name)) continue;
      const workloadCells = await runWrkWorkload(stack, workload, settings, rawDir);
      const workloadGoals = workload.goals(workloadCells);
      printWorkload(out, workload.title, workloadCells, workload.nginx, workloadGoals, workload.throughput ?? false);
      cells.push(...workloadCells);
      goals.push(...workloadGoals);
    }
    if (only.includes('insert')) {
      const insertCells = await runInsert(stack, settings);
      const insertGoals = [...ratioGoals('insert', insertCells, 'chgate', 'direct', 0.9, 'mbPerSecond'), ...rssGoals('insert', insertCells, 150)];
      printWorkload(out, `INSERT of ${settings.insertMiB} MiB of TSV streamed into a Null table (1 connection; p50/p99 = the INSERT's duration)`, insertCells, 'nginx', insertGoals, true);
      cells.push(...insertCells);
      goals.push(...insertGoals);
    }
    if (only.includes('mixed')) {
      const mixedCells = await runMixed(stack, settings);
      const chgateCell = cellOf(mixedCells, 'chgate-cache', settings.mixedClients);
      const mixedGoals = [
        ...ratioGoals('mixed', mixedCells, 'chgate-cache', 'direct', 5, 'rps'),
        { workload: 'mixed', text: 'chgate: zero stale reads', measured: `${chgateCell?.stale ?? '?'} stale`, met: chgateCell?.stale === 0 && chgateCell.errors === 0 },
      ];
      printWorkload(
        out,
        `mixed dashboard load: ${settings.mixedClients} clients (this harness, checking answers), 90 % reads over ${MIXED_GROUPS + PANELS.length} queries, 10 % inserts into a table ${MIXED_GROUPS} of them read`,
        mixedCells,
        'nginx-cache',
        mixedGoals,
        false,
      );
      cells.push(...mixedCells);
      goals.push(...mixedGoals);
    }
    const met = goals.filter((g) => g.met).length;
    out(`\ntargets met: ${met} of ${goals.length}`);
    writeFileSync(join(resultsDir, 'summary.json'), `${JSON.stringify({ date: new Date().toISOString(), mode: args.quick ? 'quick' : 'full', machine, pinned: pin, settings, cells, goals }, null, 2)}\n`);
    out(`raw wrk outputs, table.txt and summary.json: ${resultsDir}`);
  } finally {
    await stop();
  }
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
