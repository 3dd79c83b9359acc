/**
 * The access log's cost per request: `npx tsx bench/access-log.ts`. A script that prints a table, not a test.
 *
 * Each row measures the CPU time of the observer chgate runs once a response has closed (createAccessLog) for a typical cache-hit
 * record: fields built, serialized by pino, credentials and the backend passwords masked on the serialized line,
 * then handed to the asynchronous destination (a temp file, flushed by its own fs.write calls). Rows: the line
 * as chgate writes it; the same with requests: false (nothing built or written); the full line without masking
 * (what masking costs); and, for scale, a bare JSON.stringify of the fields. Target (issue 7): under 3 µs per line on top of a ~17k req/s hit path.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, openLogDestination, type Logger } from '../src/log/create-logger.js';
import { withMaskedSecrets } from '../src/log/masking-logger.js';
import { accessLogFields, createAccessLog, type AccessLogSettings } from '../src/observability/access-log.js';
import type { RequestRecord } from '../src/observability/request-record.js';
import { printTable } from './lib/report.js';

const record: RequestRecord = {
  requestId: '3f1c2a9e-5b7d-4c1e-9a0b-2d4e6f8a1b3c',
  user: 'grafana',
  clientAddress: '10.1.2.3',
  statements: [{ type: 'SELECT', route: 'read', fingerprint: 'SELECT toStartOfHour ( ts ) AS h , count ( ) FROM analytics.events WHERE site_id = ? GROUP BY h ORDER BY h' }],
  cache: 'hit',
  upstreamNodes: [],
  status: 200,
  durationMs: 0.412,
  bytesSent: 1342,
  fastPath: true,
};
const backendPasswords = ['writer-secret', 'reader-secret'];
const dir = mkdtempSync(join(tmpdir(), 'chgate-bench-access-log-'));

/**
 * CPU time (all threads: the fs.write calls run on libuv's pool) per observed request, the requests coming in
 * batches of 32 per turn of the event loop, as a busy server's do, so the destination writes between batches.
 */
async function perLine(logger: Logger, settings: AccessLogSettings, lines: number): Promise<number> {
  const observe = createAccessLog(logger, () => settings);
  const run = async (count: number): Promise<void> => {
    for (let done = 0; done < count; done += 32) {
      for (let i = 0; i < 32; i++) observe(record);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await run(20_000);
  const before = process.cpuUsage();
  await run(lines);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / lines;
}

const rows: string[][] = [];
const lines = Number(process.argv[2] ?? 200_000);
const on: AccessLogSettings = { requests: true, slowQueryMs: 1000 };
const cases: [string, (file: string) => Logger, AccessLogSettings][] = [
  ['access line, masked (as chgate runs)', (file) => withMaskedSecrets(createLogger('info', openLogDestination(file)), () => backendPasswords), on],
  ['requests: false (fast request)', (file) => withMaskedSecrets(createLogger('info', openLogDestination(file)), () => backendPasswords), { ...on, requests: false }],
  ['access line, no backend passwords to mask', (file) => createLogger('info', openLogDestination(file)), on],
];
for (const [name, make, settings] of cases) {
  const file = join(dir, `${rows.length}.log`);
  const logger = make(file);
  // Let the file open before timing.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push(await perLine(logger, settings, lines));
  const best = Math.min(...runs);
  await new Promise((resolve) => setTimeout(resolve, 200));
  rows.push([name, `${best.toFixed(2)} µs`, `${(statSync(file).size / 1024 / 1024).toFixed(1)} MB written`]);
}
// For scale on a busy or slow machine: the bare JSON.stringify of the same fields, no logger, nothing written.
{
  const fields = accessLogFields(record, false);
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = process.cpuUsage();
    for (let n = 0; n < lines; n++) JSON.stringify(fields);
    const used = process.cpuUsage(before);
    runs.push((used.user + used.system) / lines);
  }
  rows.push(['reference: JSON.stringify of the fields only', `${Math.min(...runs).toFixed(2)} µs`, '-']);
}
printTable(['case', 'CPU per request (best of 3)', 'output'], rows, 1);
console.log('(the requests: false row is the loop itself: subtract it from the others)');
rmSync(dir, { recursive: true, force: true });
