/**
 * `SELECT 1` requests/s and p50/p99 latency, direct to a ClickHouse replica (as the read-only user) and through chgate,
 * at 1 and 16 keep-alive connections. The two targets are measured in the same run, interleaved in short slices
 * (alternating which goes first), so drift in machine load hits both alike. Not a test: it prints a table.
 *
 *   npx tsx bench/select1.ts                       # starts its own cluster + chgate (needs `npm run build`)
 *   npx tsx bench/select1.ts --url-direct http://127.0.0.1:19120 --url-chgate http://127.0.0.1:8124
 *
 * Own stack: cluster ports 19300..19339, chgate on 127.0.0.1:19390, files under <tmpdir>/chgate-bench-19300.
 * The load client runs on the same machine, so it competes with ClickHouse and chgate for CPU.
 */
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { LOCAL_USERS } from '../scripts/local-cluster.js';
import { mergeSample, percentile, printTable, ratio, type Sample } from './lib/report.js';
import { createBenchStackOwner } from './lib/stack.js';

const BENCH_BASE_PORT = 19300;
const BENCH_CHGATE_PORT = 19390;

const { values: args } = parseArgs({
  options: {
    'url-direct': { type: 'string' },
    'url-chgate': { type: 'string' },
    'direct-user': { type: 'string', default: LOCAL_USERS.reader.user },
    'direct-password': { type: 'string', default: LOCAL_USERS.reader.password },
    'chgate-user': { type: 'string' },
    'chgate-password': { type: 'string', default: '' },
    concurrency: { type: 'string', default: '1,16' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '1' },
    slices: { type: 'string', default: '5' },
    help: { type: 'boolean', default: false },
  },
});

interface Target {
  name: 'direct' | 'chgate';
  url: URL;
  headers: Record<string, string>;
}


function credentialHeaders(user: string | undefined, password: string | undefined): Record<string, string> {
  return user === undefined ? {} : { 'x-clickhouse-user': user, 'x-clickhouse-key': password ?? '' };
}

/** `concurrency` workers, each sending `SELECT 1` back to back on the pool until `durationMs` has passed. */
async function runFor(target: Target, pool: Pool, concurrency: number, durationMs: number): Promise<Sample> {
  const sample: Sample = { ok: 0, errors: 0, elapsedMs: 0, latenciesMs: [] };
  const path = `${target.url.pathname}${target.url.search}`;
  const started = performance.now();
  const end = started + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const response = await pool.request({ path, method: 'POST', headers: target.headers, body: 'SELECT 1' });
        const text = await response.body.text();
        if (response.statusCode === 200 && text === '1\n') {
          sample.ok += 1;
          sample.latenciesMs.push(performance.now() - t0);
        } else {
          sample.errors += 1;
          sample.firstError ??= `HTTP ${response.statusCode}: ${text.slice(0, 200)}`;
        }
      } catch (error) {
        sample.errors += 1;
        sample.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  sample.elapsedMs = performance.now() - started;
  return sample;
}


interface Row {
  concurrency: number;
  target: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

async function measure(targets: Target[], concurrency: number, durationMs: number, warmupMs: number, slices: number) {
  const pools = targets.map(
    (t) => new Pool(t.url.origin, { connections: concurrency, pipelining: 1, keepAliveTimeout: 2_000 }),
  );
  try {
    for (const [i, target] of targets.entries()) await runFor(target, pools[i]!, concurrency, warmupMs);
    const totals: Sample[] = targets.map(() => ({ ok: 0, errors: 0, elapsedMs: 0, latenciesMs: [] }));
    for (let slice = 0; slice < slices; slice += 1) {
      const order = slice % 2 === 0 ? targets.keys() : [...targets.keys()].reverse();
      for (const i of order) mergeSample(totals[i]!, await runFor(targets[i]!, pools[i]!, concurrency, durationMs / slices));
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
        errors: total.errors,
      };
    });
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
  }
}

function printResults(rows: Row[]): void {
  const lines: string[][] = [];
  for (const concurrency of new Set(rows.map((r) => r.concurrency))) {
    const direct = rows.find((r) => r.concurrency === concurrency && r.target === 'direct')!;
    const chgate = rows.find((r) => r.concurrency === concurrency && r.target === 'chgate')!;
    for (const r of [direct, chgate]) {
      lines.push([String(concurrency), r.target, r.rps.toFixed(0), r.p50.toFixed(3), r.p99.toFixed(3), String(r.errors)]);
    }
    lines.push([String(concurrency), 'chgate/direct', ratio(chgate.rps, direct.rps), ratio(chgate.p50, direct.p50), ratio(chgate.p99, direct.p99), '']);
  }
  printTable(['conns', 'target', 'req/s', 'p50 ms', 'p99 ms', 'errors'], lines);
}

async function main(): Promise<void> {
  if (args.help) {
    console.log('usage: npx tsx bench/select1.ts [--url-direct URL] [--url-chgate URL] [--direct-user U --direct-password P]');
    console.log('         [--chgate-user U --chgate-password P] [--concurrency 1,16] [--duration 5] [--warmup 1] [--slices 5]');
    return;
  }
  const concurrencies = args.concurrency.split(',').map(Number);
  const durationMs = Number(args.duration) * 1000;
  const warmupMs = Number(args.warmup) * 1000;
  const slices = Math.max(1, Number(args.slices));
  if (concurrencies.some((c) => !Number.isInteger(c) || c < 1) || !(durationMs > 0) || !(warmupMs >= 0)) {
    throw new Error('--concurrency takes positive integers (1,16); --duration and --warmup take seconds');
  }

  const stack = createBenchStackOwner();
  try {
    let directUrl = args['url-direct'];
    let chgateUrl = args['url-chgate'];
    if (directUrl === undefined || chgateUrl === undefined) {
      // Pass-through is what this measures: SELECT 1 is cacheable, so the cache is off.
      const started = await stack.start({
        basePort: BENCH_BASE_PORT,
        chgatePort: BENCH_CHGATE_PORT,
        editConfig: (yaml) => `${yaml}cache:\n  enabled: false\n  store: { kind: memory }\n`,
      });
      directUrl ??= started.cluster.replicas[0]?.url ?? started.cluster.writer.url;
      chgateUrl ??= started.chgateUrl;
    }
    const targets: Target[] = [
      { name: 'direct', url: new URL(directUrl), headers: credentialHeaders(args['direct-user'], args['direct-password']) },
      { name: 'chgate', url: new URL(chgateUrl), headers: credentialHeaders(args['chgate-user'], args['chgate-password']) },
    ];

    console.log(`SELECT 1 over HTTP POST, keep-alive (undici Pool), ${availableParallelism()} CPUs, load client on the same host`);
    console.log(`direct: ${targets[0]!.url.href} as ${args['direct-user']}   chgate: ${targets[1]!.url.href}`);
    console.log(`${durationMs / 1000} s per cell in ${slices} interleaved slices, after a ${warmupMs / 1000} s warm-up\n`);
    const rows: Row[] = [];
    for (const concurrency of concurrencies) rows.push(...(await measure(targets, concurrency, durationMs, warmupMs, slices)));
    printResults(rows);
  } finally {
    await stack.stop();
  }
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
