/**
 * Hostile input: thousands of generated malformed requests (random bytes, truncated chunked bodies, bad gzip, huge
 * headers, invalid UTF-8 in SQL, a 10 MB single-line query, 10k nested parentheses, unterminated strings and comments,
 * bogus methods, bad Content-Length, over-long URLs) sent over raw sockets to a chgate process. It never exits,
 * answers each with an error in ClickHouse's format or closes the connection, its memory stays bounded, and a normal
 * query works right after. The seed is fixed (CHGATE_HOSTILE_SEED overrides it, printed for replay).
 * By hand: `printf 'FOO / HTTP/1.1\r\n\r\n' | nc 127.0.0.1 8124` → `HTTP/1.1 400 ... Code: 36. DB::Exception: chgate: malformed HTTP request`.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { LocalCluster } from '../../scripts/local-cluster.js';
import { spawnChgate, type ChgateProcess } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

const SEED = Number(process.env.CHGATE_HOSTILE_SEED ?? 0x5eed_c4a7);
const GENERATED_REQUESTS = 3_000;
const PARALLEL = 24;
const RSS_LIMIT_BYTES = 300 * 1024 * 1024;

/** mulberry32: small, seeded, good enough to pick cases. */
function createRandom(seed: number): { next(): number; int(below: number): number; bytes(length: number): Buffer; pick<T>(items: readonly T[]): T } {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (below: number): number => Math.floor(next() * below);
  return {
    next,
    int,
    bytes: (length) => Buffer.from(Array.from({ length }, () => int(256))),
    pick: (items) => items[int(items.length)] as (typeof items)[number],
  };
}

interface HostileRequest {
  kind: string;
  /** Written in order. */
  parts: Buffer[];
  /** The request is incomplete by design: the socket is half-closed after it (a complete one waits for the answer). */
  truncated?: boolean;
}

const crlf = '\r\n';
const post = (body: Buffer | string, extraHeaders: string[] = [], path = '/'): Buffer => {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
  return Buffer.concat([
    Buffer.from(`POST ${path} HTTP/1.1${crlf}host: chgate${crlf}connection: close${crlf}content-length: ${bytes.length}${crlf}${extraHeaders.map((h) => `${h}${crlf}`).join('')}${crlf}`),
    bytes,
  ]);
};

function generateRequest(random: ReturnType<typeof createRandom>): HostileRequest {
  const invalidUtf8 = (): Buffer => random.pick([Buffer.from([0xff, 0xfe]), Buffer.from([0xc3, 0x28]), Buffer.from([0xe2, 0x82]), Buffer.from([0xf0, 0x28, 0x8c, 0x28]), Buffer.from([0xed, 0xa0, 0x80])]);
  const cases: (() => HostileRequest)[] = [
    () => ({ kind: 'random bytes', parts: [random.bytes(1 + random.int(4096))], truncated: true }),
    () => ({ kind: 'random bytes after a request line', parts: [Buffer.from(`POST / HTTP/1.1${crlf}`), random.bytes(1 + random.int(2048))], truncated: true }),
    () => {
      const sql = Buffer.from(`SELECT ${random.int(1000)}`);
      const chunk = `${(sql.length + 10).toString(16)}${crlf}`;
      return {
        kind: 'truncated chunked body',
        truncated: true,
        parts: [Buffer.from(`POST / HTTP/1.1${crlf}host: chgate${crlf}transfer-encoding: chunked${crlf}${crlf}${chunk}`), sql.subarray(0, random.int(sql.length))],
      };
    },
    () => ({
      kind: 'bad chunk size',
      parts: [Buffer.from(`POST / HTTP/1.1${crlf}host: chgate${crlf}transfer-encoding: chunked${crlf}${crlf}${random.pick(['zz', '-1', 'ffffffffffffffffff', '4;' + 'x'.repeat(100)])}${crlf}SELECT 1${crlf}0${crlf}${crlf}`)],
    }),
    () => {
      const gzipped = gzipSync(Buffer.from(`SELECT ${random.int(1000)}`));
      const body = random.pick([random.bytes(1 + random.int(512)), gzipped.subarray(0, random.int(gzipped.length)), Buffer.concat([gzipped.subarray(0, 10), random.bytes(64)])]);
      return { kind: 'bad gzip', parts: [post(body, [`content-encoding: ${random.pick(['gzip', 'deflate', 'br'])}`])] };
    },
    () => ({ kind: 'unknown content-encoding', parts: [post('SELECT 1', [`content-encoding: ${random.pick(['zstd', 'lz4', 'x-bogus', '\u00e9'])}`])] }),
    () => ({ kind: 'huge header', parts: [Buffer.from(`GET /?query=SELECT+1 HTTP/1.1${crlf}host: chgate${crlf}x-junk: ${'a'.repeat(300 * 1024 + random.int(64 * 1024))}${crlf}${crlf}`)] }),
    () => ({
      kind: 'many headers',
      parts: [Buffer.from(`GET /ping HTTP/1.1${crlf}${Array.from({ length: 30_000 + random.int(5_000) }, (_, i) => `x-h${i}: ${i}${crlf}`).join('')}${crlf}`)],
    }),
    () => ({ kind: 'long URL', parts: [Buffer.from(`GET /?query=SELECT+${'1'.repeat(140 * 1024 + random.int(1024))} HTTP/1.1${crlf}host: chgate${crlf}connection: close${crlf}${crlf}`)] }),
    () => ({
      kind: 'invalid UTF-8 in SQL',
      parts: [post(Buffer.concat([Buffer.from('SELECT '), invalidUtf8(), Buffer.from(' FROM '), invalidUtf8(), random.bytes(random.int(16))]))],
    }),
    () => ({ kind: 'invalid UTF-8 in the query parameter', parts: [Buffer.from(`GET /?query=SELECT%20%FF%FE${random.int(100)} HTTP/1.1${crlf}host: chgate${crlf}connection: close${crlf}${crlf}`)] }),
    () => {
      const depth = 10_000;
      // ClickHouse 18.16 itself dies on ~1000 levels: chgate must refuse these before a node sees them.
      const closing = random.pick([')'.repeat(depth), ')'.repeat(depth - 1), '', ')'.repeat(depth + 1)]);
      const open = random.pick(['(', '[', 'f(', 'tuple(']);
      return { kind: 'deeply nested parentheses', parts: [post(`SELECT ${open.repeat(depth)}1${closing}`)] };
    },
    () => ({ kind: 'unterminated string', parts: [post(`SELECT ${random.pick(["'abc", '"abc', '`abc', "'a\\'"])}${random.int(1000)}`)] }),
    () => ({ kind: 'unterminated comment', parts: [post(`SELECT ${random.int(1000)} /* never closed ${random.pick(['', '*', '/*', "'"])}`)] }),
    () => ({ kind: 'statement garbage', parts: [post(`${random.pick(['SELEC', 'INSERT INTO', 'DROP', ';;;', 'WITH', 'SELECT FROM WHERE', ')'])} ${random.bytes(8).toString('hex')}`)] }),
    () => ({ kind: 'bogus method', parts: [Buffer.from(`${random.pick(['FOO', 'G\u0000T', 'PUT', 'DELETE', 'PATCH', 'TRACE', 'CONNECT'])} /?query=SELECT+1 HTTP/1.1${crlf}host: chgate${crlf}connection: close${crlf}${crlf}`)] }),
    () => ({
      kind: 'bad content-length',
      truncated: true,
      parts: [Buffer.from(`POST / HTTP/1.1${crlf}host: chgate${crlf}${random.pick(['content-length: abc', 'content-length: -1', 'content-length: 5\r\ncontent-length: 6', 'content-length: 99999999999999999999', 'content-length: 1000'])}${crlf}${crlf}SELECT 1`)],
    }),
    () => ({ kind: 'bad request line', parts: [Buffer.from(random.pick([`GET${crlf}${crlf}`, `GET / HTTP/9.9${crlf}${crlf}`, `GET / FTP/1.0${crlf}${crlf}`, ` / HTTP/1.1${crlf}${crlf}`, `GET / HTTP/1.1${crlf}bad header${crlf}${crlf}`, `GET / HTTP/1.1${crlf}x: a\u0000b${crlf}${crlf}`]))] }),
    () => ({ kind: 'bad URL', parts: [Buffer.from(`GET ${random.pick(['http://a:b:c/', '//[', '/?query=%zz', '/?%', '/admin/../../etc/passwd', '*'])} HTTP/1.1${crlf}host: chgate${crlf}connection: close${crlf}${crlf}`)] }),
  ];
  return random.pick(cases)();
}

interface Outcome {
  kind: string;
  /** Bytes that came back before the connection closed (may be empty). */
  response: Buffer;
  timedOut: boolean;
}

function send(port: number, request: HostileRequest, timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const socket = connect(port, '127.0.0.1');
    let done = false;
    const finish = (timedOut: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ kind: request.kind, response: Buffer.concat(chunks), timedOut });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('connect', () => {
      for (const part of request.parts) socket.write(part);
      // A half-close on a complete request would read as a client that went away (its query is then cancelled).
      if (request.truncated === true) socket.end();
    });
  });
}

/** What a hostile request may get back: nothing (closed), or an HTTP error whose body is a ClickHouse exception. */
function describeProblem(outcome: Outcome): string | undefined {
  if (outcome.timedOut) return 'no answer and the connection stayed open';
  if (outcome.response.length === 0) return undefined;
  const text = outcome.response.toString('latin1');
  const status = /^HTTP\/1\.1 (\d{3}) /.exec(text)?.[1];
  if (status === undefined) return `not an HTTP response: ${JSON.stringify(text.slice(0, 80))}`;
  if (!/^[45]/.test(status)) return `status ${status}`;
  const body = text.slice(text.indexOf('\r\n\r\n') + 4);
  // Chgate's own errors (`Code: N. DB::Exception: chgate: ...`) and ClickHouse 18.16's (`Code: N, e.displayText() = DB::Exception: ...`).
  if (!/Code: \d+[.,] (e\.displayText\(\) = )?DB::Exception: /.test(body)) return `status ${status} without a ClickHouse exception body: ${JSON.stringify(body.slice(0, 120))}`;
  return undefined;
}

function rssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

async function selectOne(url: string): Promise<string> {
  const response = await fetch(`${url}/`, { method: 'POST', body: 'SELECT 1' });
  const text = await response.text();
  expect(response.status, text).to.equal(200);
  return text;
}

describe('hostile input', function () {
  this.timeout(120_000);
  let cluster: LocalCluster;
  let chgate: ChgateProcess;
  let port: number;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
    port = TEST_BASE_PORT + 230;
    chgate = await spawnChgate(cluster, port);
  });

  after(async () => {
    await chgate?.stop();
  });

  it(`answers ${GENERATED_REQUESTS} generated malformed requests with ClickHouse-format errors or a close, within bounded memory`, async () => {
    console.error(`      seed ${SEED} (CHGATE_HOSTILE_SEED=${SEED} replays it)`);
    const pid = chgate.child.pid ?? 0;
    let exitedWith: number | null | undefined;
    chgate.child.once('exit', (code) => {
      exitedWith = code;
    });
    const random = createRandom(SEED);
    const requests = Array.from({ length: GENERATED_REQUESTS }, () => generateRequest(random));
    // The 10 MB single-line queries: a handful is enough to show the head limit holds.
    const tenMegabytes = 10 * 1024 * 1024;
    for (const sql of [`SELECT ${'1+'.repeat(tenMegabytes / 2)}1`, `SELECT '${'x'.repeat(tenMegabytes)}'`, `SELECT 1 WHERE 1 IN (${'1,'.repeat(tenMegabytes / 2)}1)`, `SELECT ${'('.repeat(tenMegabytes)}`]) {
      requests.push({ kind: '10 MB single-line query', parts: [post(sql)] });
    }
    for (let i = 0; i < 4; i++) requests.push({ kind: '300k-term operator chain', parts: [post(`SELECT ${'1+'.repeat(300_000)}1`)] });
    for (let i = 0; i < 2; i++) requests.push({ kind: '10 MB single-line gzip query', parts: [post(gzipSync(`SELECT '${'x'.repeat(10 * 1024 * 1024)}'`), ['content-encoding: gzip'])] });

    let peakRss = rssBytes(pid);
    const sampler = setInterval(() => {
      if (exitedWith === undefined) peakRss = Math.max(peakRss, rssBytes(pid));
    }, 100);
    const outcomes: Outcome[] = [];
    let next = 0;
    const startedAt = Date.now();
    try {
      await Promise.all(
        Array.from({ length: PARALLEL }, async () => {
          while (next < requests.length && exitedWith === undefined) {
            const request = requests[next++];
            if (request) outcomes.push(await send(port, request));
          }
        }),
      );
    } finally {
      clearInterval(sampler);
    }

    const byKind = new Map<string, { sent: number; answered: number; closed: number; statuses: Set<string> }>();
    const samples = new Map<string, string>();
    const problems: string[] = [];
    for (const outcome of outcomes) {
      const entry = byKind.get(outcome.kind) ?? { sent: 0, answered: 0, closed: 0, statuses: new Set<string>() };
      entry.sent += 1;
      if (outcome.response.length > 0) {
        entry.answered += 1;
        const status = outcome.response.toString('latin1', 9, 12);
        entry.statuses.add(status);
        const text = outcome.response.toString('latin1');
        if (!samples.has(status)) samples.set(status, `${outcome.kind}: ${text.slice(text.indexOf('\r\n\r\n') + 4, text.indexOf('\r\n\r\n') + 150).trim()}`);
      } else entry.closed += 1;
      byKind.set(outcome.kind, entry);
      const problem = describeProblem(outcome);
      if (problem !== undefined && problems.length < 10) problems.push(`${outcome.kind}: ${problem}`);
    }
    for (const [kind, entry] of byKind) {
      console.error(`      ${kind.padEnd(40)} ${String(entry.sent).padStart(4)} sent, ${String(entry.answered).padStart(4)} answered (${[...entry.statuses].sort().join(' ')}), ${entry.closed} closed`);
    }
    for (const [status, sample] of [...samples].sort()) console.error(`      e.g. ${status} ${sample}`);
    console.error(`      ${outcomes.length} requests in ${Date.now() - startedAt} ms, peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB`);

    expect(exitedWith, 'chgate exited').to.equal(undefined);
    expect(outcomes.length).to.equal(requests.length);
    expect(problems).to.deep.equal([]);
    // Each is the client's fault: a 5xx would be chgate (or a node) failing on it.
    expect([...byKind].filter(([, entry]) => [...entry.statuses].some((status) => status.startsWith('5'))).map(([kind]) => kind)).to.deep.equal([]);
    // Most of them must really have been answered, not just dropped.
    expect(outcomes.filter((outcome) => outcome.response.length > 0).length).to.be.above(requests.length / 2);
    expect(peakRss).to.be.below(RSS_LIMIT_BYTES);
    // Right after: a normal query works, also over a fresh connection.
    expect(await selectOne(chgate.url)).to.equal('1\n');
    expect(chgate.child.exitCode).to.equal(null);
  });
});
