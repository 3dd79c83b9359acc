/**
 * Response compression (issue 9, README "Compression"): bytes on the wire and requests/s for the same result with
 * no Accept-Encoding, with `gzip` (chgate asks ClickHouse: enable_http_compression=1) and with `br` (ClickHouse
 * 18.16 makes no brotli: chgate compresses), as cache hits (entries stored compressed, served as stored) and as
 * pass-through (`no_cache=1`: every request runs on ClickHouse). All cells of one connection count run in one
 * process run, interleaved in slices, wrk pinned to CPU 1 and chgate to CPU 0; bytes are wrk's count of response
 * bytes read (headers included) divided by responses. Each cell is checked once first: status, Content-Encoding,
 * X-Cache, and the decoded bytes equal to the identity response.
 *
 *   npx tsx bench/compression.ts                     # starts its own cluster + chgate (needs `npm run build`, wrk)
 *   npx tsx bench/compression.ts --rows 40000        # a larger result (~1 MB identity)
 *
 * Own stack: cluster ports 21600..21639, chgate on 127.0.0.1:21690, files under <tmpdir>/chgate-bench-21600.
 * Raw wrk outputs: bench/results/compression-<timestamp>/ (git-ignored).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { request } from 'undici';
import { parse, stringify } from 'yaml';
import { cpuMsOf } from './lib/proc-stats.js';
import { median, printTable, ratio } from './lib/report.js';
import { createBenchStackOwner } from './lib/stack.js';
import { hasWrk, pinProcess, runWrk, type WrkResult } from './lib/wrk.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '4000' },
    concurrency: { type: 'string', default: '16' },
    duration: { type: 'string', default: '6' },
    slices: { type: 'string', default: '3' },
    'base-port': { type: 'string', default: '21600' },
    'chgate-port': { type: 'string', default: '21690' },
    help: { type: 'boolean', default: false },
  },
});

type Encoding = 'identity' | 'gzip' | 'br';
type Path = 'hit' | 'pass-through';

interface Cell {
  path: Path;
  encoding: Encoding;
  url: string;
  headers: Record<string, string>;
  expectedCache: 'HIT' | 'BYPASS';
}

interface Totals {
  requests: number;
  seconds: number;
  bytes: number;
  errors: number;
  cpuMs: number;
  p50: number[];
  p99: number[];
}

const decoders: Record<Encoding, (body: Buffer) => Buffer> = { identity: (body) => body, gzip: gunzipSync, br: brotliDecompressSync };

async function fetchOnce(cell: Cell, body: string): Promise<{ status: number; encoding: string | undefined; cache: string | undefined; bytes: Buffer }> {
  const response = await request(cell.url, { method: 'POST', headers: cell.headers, body });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const header = (name: string): string | undefined => {
    const value = response.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  return { status: response.statusCode, encoding: header('content-encoding'), cache: header('x-cache'), bytes };
}

async function main(): Promise<void> {
  if (args.help) {
    console.log('usage: npx tsx bench/compression.ts [--rows 4000] [--concurrency 16] [--duration 6] [--slices 3] [--base-port 21600] [--chgate-port 21690]');
    return;
  }
  if (!hasWrk()) throw new Error('wrk is needed (apt-get install wrk)');
  const rows = Number(args.rows);
  const concurrencies = args.concurrency.split(',').map(Number);
  const sliceSeconds = Math.max(1, Math.round(Number(args.duration) / Math.max(1, Number(args.slices))));
  const slices = Math.max(1, Number(args.slices));
  const basePort = Number(args['base-port']);
  const chgatePort = Number(args['chgate-port']);
  const query = `SELECT number, toString(cityHash64(number)) FROM numbers(${rows})`;
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const resultsDir = join(root, 'bench', 'results', `compression-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(resultsDir, { recursive: true });

  const stack = createBenchStackOwner();
  try {
    const started = await stack.start({
      basePort,
      chgatePort,
      connectionsPerNode: 64,
      editConfig: (yaml) => {
        const document = parse(yaml) as Record<string, unknown>;
        document.cache = { enabled: true, max_memory_bytes: 256 * 1024 * 1024, max_entry_bytes: 16 * 1024 * 1024, store: { kind: 'memory' } };
        return stringify(document);
      },
    });
    const pid = started.chgate.pid;
    if (pid === undefined) throw new Error('chgate has no pid');
    const base = started.chgateUrl;
    const cells: Cell[] = [];
    for (const path of ['hit', 'pass-through'] as const) {
      for (const encoding of ['identity', 'gzip', 'br'] as const) {
        cells.push({
          path,
          encoding,
          url: `${base}/${path === 'hit' ? '' : '?no_cache=1'}`,
          headers: encoding === 'identity' ? {} : { 'accept-encoding': encoding },
          expectedCache: path === 'hit' ? 'HIT' : 'BYPASS',
        });
      }
    }

    // Fill each encoding's entry, then check every cell once: the right encoding, and the same bytes decoded.
    const reference = await fetchOnce(cells[3] as Cell, query);
    if (reference.status !== 200) throw new Error(`the query failed: HTTP ${reference.status}: ${reference.bytes.toString('utf8').slice(0, 300)}`);
    for (const cell of cells.filter((each) => each.path === 'hit')) await fetchOnce(cell, query);
    for (const cell of cells) {
      const got = await fetchOnce(cell, query);
      const expectedEncoding = cell.encoding === 'identity' ? undefined : cell.encoding;
      if (got.status !== 200 || got.cache !== cell.expectedCache || got.encoding !== expectedEncoding || !decoders[cell.encoding](got.bytes).equals(reference.bytes)) {
        throw new Error(`${cell.path} ${cell.encoding}: HTTP ${got.status}, X-Cache ${String(got.cache)}, Content-Encoding ${String(got.encoding)}, ${got.bytes.length} bytes`);
      }
    }
    pinProcess(pid, '0');
    console.log(`result: ${JSON.stringify(query)} → ${reference.bytes.length} bytes identity`);
    console.log(`HTTP POST keep-alive, wrk pinned to CPU 1, chgate to CPU 0; ${sliceSeconds} s slices x ${slices}, interleaved, after a warm-up; every cell checked first\n`);

    for (const concurrency of concurrencies) {
      const totals = new Map<Cell, Totals>(cells.map((cell) => [cell, { requests: 0, seconds: 0, bytes: 0, errors: 0, cpuMs: 0, p50: [], p99: [] }]));
      const run = (cell: Cell, seconds: number): WrkResult =>
        runWrk({ url: cell.url, method: 'POST', body: query, headers: cell.headers, connections: concurrency, durationSeconds: seconds, pinCpu: '1' });
      for (const cell of cells) run(cell, 1);
      for (let slice = 0; slice < slices; slice++) {
        // Alternate the order so neither end of a slice always falls to the same cell.
        const order = slice % 2 === 0 ? cells : [...cells].reverse();
        for (const cell of order) {
          const cpuBefore = cpuMsOf([pid]);
          const result = run(cell, sliceSeconds);
          const total = totals.get(cell) as Totals;
          total.cpuMs += cpuMsOf([pid]) - cpuBefore;
          total.requests += result.requests;
          total.seconds += result.seconds;
          total.bytes += result.bytesRead;
          total.errors += result.errors;
          total.p50.push(result.p50Ms);
          total.p99.push(result.p99Ms);
          writeFileSync(join(resultsDir, `c${concurrency}-${cell.path}-${cell.encoding}-${slice}.txt`), result.output);
        }
      }
      const lines: string[][] = [];
      for (const cell of cells) {
        const total = totals.get(cell) as Totals;
        const identity = totals.get(cells.find((each) => each.path === cell.path && each.encoding === 'identity') as Cell) as Totals;
        const perSecond = total.requests / total.seconds;
        const bytesPerResponse = total.bytes / Math.max(1, total.requests);
        const identityBytes = identity.bytes / Math.max(1, identity.requests);
        lines.push([
          String(concurrency),
          cell.path,
          cell.encoding,
          perSecond.toFixed(0),
          ratio(perSecond, identity.requests / identity.seconds),
          median(total.p50).toFixed(2),
          median(total.p99).toFixed(2),
          bytesPerResponse.toFixed(0),
          ratio(bytesPerResponse, identityBytes),
          ((perSecond * bytesPerResponse) / 1024 / 1024).toFixed(1),
          ((total.cpuMs * 1000) / Math.max(1, total.requests)).toFixed(0),
          String(total.errors),
        ]);
      }
      const header = ['conns', 'path', 'encoding', 'req/s', 'vs identity', 'p50 ms', 'p99 ms', 'bytes/resp', 'vs identity', 'wire MB/s', 'chgate CPU µs/req', 'errors'];
      const table: string[] = [];
      printTable(header, lines, 3, (line) => table.push(line));
      console.log(table.join('\n'));
      writeFileSync(join(resultsDir, `table-c${concurrency}.txt`), `${table.join('\n')}\n`);
      console.log('');
    }
    console.log(`raw wrk outputs: ${resultsDir}`);
  } finally {
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
