import { expect } from 'chai';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { createLogger, openLogDestination, type LogLevel } from '../../../src/log/create-logger.js';
import { MASK } from '../../../src/log/mask-secrets.js';
import { withMaskedSecrets } from '../../../src/log/masking-logger.js';
import { accessLogFields, createAccessLog, MAX_FINGERPRINT_CHARS, MAX_LISTED_STATEMENTS, type AccessLogSettings } from '../../../src/observability/access-log.js';
import type { RequestRecord } from '../../../src/observability/request-record.js';

const record: RequestRecord = {
  requestId: 'q-1',
  user: 'alice',
  clientAddress: '127.0.0.1',
  statements: [
    { type: 'INSERT', route: 'write', fingerprint: 'INSERT INTO t VALUES' },
    { type: 'SELECT', route: 'read', fingerprint: 'SELECT count ( ) FROM t WHERE id = ?' },
  ],
  cache: 'bypass',
  cacheReason: 'multi_statement',
  upstreamNodes: ['writer', 'replica1'],
  status: 200,
  durationMs: 12.34567,
  bytesSent: 321,
  fastPath: false,
};

function capture(level: LogLevel = 'debug'): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger(level, stream);
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('access log', () => {
  describe('accessLogFields', () => {
    it('has every field, statements in order, absent ones as null', () => {
      expect(accessLogFields(record, false)).to.deep.equal({
        reqId: 'q-1',
        user: 'alice',
        client: '127.0.0.1',
        statements: 2,
        types: ['INSERT', 'SELECT'],
        routes: ['write', 'read'],
        fingerprints: ['INSERT INTO t VALUES', 'SELECT count ( ) FROM t WHERE id = ?'],
        cache: 'bypass',
        cacheReason: 'multi_statement',
        upstream: ['writer', 'replica1'],
        status: 200,
        error: null,
        errorCode: null,
        clickhouseErrorCode: null,
        durationMs: 12.346,
        bytes: 321,
        fastPath: false,
      });
      const failed = accessLogFields({ ...record, statements: [], cache: 'off', cacheReason: undefined, upstreamNodes: [], status: 403, error: { name: 'ACCESS_DENIED', code: 497 } }, true);
      expect(failed).to.deep.include({ statements: 0, types: [], cacheReason: null, error: 'ACCESS_DENIED', errorCode: 497, status: 403, slow: true });
    });

    it('cuts long fingerprints and long statement lists, keeping the count', () => {
      const long = 'SELECT '.repeat(1000);
      const many = Array.from({ length: 100 }, (_, i) => ({ type: 'SELECT', route: 'read', fingerprint: i === 0 ? long : `SELECT ${i}` }));
      const fields = accessLogFields({ ...record, statements: many, upstreamNodes: many.map(() => 'replica1') }, false);
      const fingerprints = fields.fingerprints as string[];
      expect(fields.statements).to.equal(100);
      expect(fingerprints).to.have.length(MAX_LISTED_STATEMENTS);
      expect(fields.types).to.have.length(MAX_LISTED_STATEMENTS);
      expect(fields.upstream).to.have.length(MAX_LISTED_STATEMENTS);
      expect(fingerprints[0]).to.equal(`${long.slice(0, MAX_FINGERPRINT_CHARS)}…`);
      expect(fingerprints[1]).to.equal('SELECT 1');
    });
  });

  describe('createAccessLog', () => {
    const on: AccessLogSettings = { requests: true, slowQueryMs: 1000 };

    it('writes one `request` line at info, or one `slow query` line at warn with slow: true', () => {
      const { logger, lines } = capture();
      const observe = createAccessLog(logger, () => on);
      observe(record);
      observe({ ...record, requestId: 'q-slow', durationMs: 1000 });
      expect(lines(), 'written at the end of the event-loop turn').to.deep.equal([]);
      observe.flush();
      const [fast, slow, ...rest] = lines();
      expect(rest).to.deep.equal([]);
      expect(fast).to.deep.include({ level: 'info', msg: 'request', reqId: 'q-1', durationMs: 12.346 });
      expect(fast).to.not.have.property('slow');
      expect(slow).to.deep.include({ level: 'warn', msg: 'slow query', reqId: 'q-slow', slow: true });
      expect(new Date(String(fast?.time)).toISOString()).to.equal(fast?.time);
    });

    it('writes the lines of a turn at its end, in order, with the time each request finished', async () => {
      const { logger, lines } = capture();
      const observe = createAccessLog(logger, () => on);
      const finishedAt = Date.now();
      observe({ ...record, requestId: 'first' });
      observe({ ...record, requestId: 'second', durationMs: 5000 });
      await new Promise((resolve) => setTimeout(resolve, 20));
      observe({ ...record, requestId: 'third' });
      await new Promise((resolve) => setImmediate(resolve));
      const written = lines();
      expect(written.map((line) => [line.reqId, line.msg])).to.deep.equal([
        ['first', 'request'],
        ['second', 'slow query'],
        ['third', 'request'],
      ]);
      // The first line's time is when it was observed, not when the turn ended (20 ms later).
      expect(Date.parse(String(written[0]?.time))).to.be.within(finishedAt, finishedAt + 15);
      // A turn that finishes very many requests does not keep them all waiting.
      for (let i = 0; i < 300; i++) observe({ ...record, requestId: `many-${i}` });
      expect(lines().length).to.be.greaterThan(3);
    });

    it('requests: false keeps only slow queries; slow_query_ms 0 logs none as slow; the settings of the moment apply', () => {
      const { logger, lines } = capture();
      let settings: AccessLogSettings = { requests: false, slowQueryMs: 10 };
      const observe = createAccessLog(logger, () => settings);
      observe({ ...record, requestId: 'quiet', durationMs: 5 });
      observe({ ...record, requestId: 'slow', durationMs: 50 });
      settings = { requests: true, slowQueryMs: 0 };
      observe({ ...record, requestId: 'never-slow', durationMs: 60_000 });
      observe.flush();
      expect(lines().map((line) => [line.reqId, line.msg])).to.deep.equal([
        ['slow', 'slow query'],
        ['never-slow', 'request'],
      ]);
    });

    it('at level warn only slow queries are written, and fields are not even built for the rest', () => {
      const { logger, lines } = capture('warn');
      const observe = createAccessLog(logger, () => on);
      let built = 0;
      const counting = { ...record, get statements() { built += 1; return record.statements; } };
      observe(counting);
      expect(built).to.equal(0);
      observe({ ...record, durationMs: 2000 });
      observe.flush();
      expect(lines().map((line) => line.msg)).to.deep.equal(['slow query']);
      logger.setLevel('info');
      observe(record);
      observe.flush();
      expect(lines().map((line) => line.msg)).to.deep.equal(['slow query', 'request']);
    });

    it('each line has exactly the keys, order and values of accessLogFields, fast-path lines too', () => {
      const { logger, lines } = capture();
      const observe = createAccessLog(logger, () => on);
      const many = Array.from({ length: 40 }, (_, i) => ({ type: 'SELECT', route: 'read', fingerprint: `SELECT "q\\${i}" ü` }));
      const remembered = [{ type: 'SELECT', route: 'read', fingerprint: 'SELECT a FROM t WHERE s = ?' }];
      const records: RequestRecord[] = [
        record,
        { ...record, requestId: 'id "quoted"\n', user: 'ü\\', statements: many, upstreamNodes: many.map(() => 'r') },
        { ...record, statements: [], cache: 'off', cacheReason: undefined, upstreamNodes: [], status: 403, error: { name: 'ACCESS_DENIED', code: 497 }, clickhouseErrorCode: 60 },
        { ...record, durationMs: Number.NaN, bytesSent: 0 },
        { ...record, statements: remembered, cache: 'hit', cacheReason: undefined, upstreamNodes: [], fastPath: true, requestId: 'hit-1' },
        { ...record, statements: remembered, cache: 'hit', cacheReason: undefined, upstreamNodes: [], fastPath: true, requestId: 'hit-2', durationMs: 0.0004 },
        { ...record, requestId: 'slow', durationMs: 5000 },
      ];
      for (const each of records) observe(each);
      observe.flush();
      const written = lines();
      expect(written).to.have.length(records.length);
      records.forEach((each, i) => {
        const { level, time, msg, ...fields } = written[i] ?? {};
        const expected = JSON.parse(JSON.stringify(accessLogFields(each, each.durationMs >= 1000))) as Record<string, unknown>;
        expect([level, msg, typeof time]).to.deep.equal(each.durationMs >= 1000 ? ['warn', 'slow query', 'string'] : ['info', 'request', 'string']);
        expect(Object.keys(fields)).to.deep.equal(Object.keys(expected));
        expect(fields).to.deep.equal(expected);
      });
    });

    it('masks backend passwords and URL credentials anywhere in the line', () => {
      const { logger, lines } = capture();
      const masked = withMaskedSecrets(logger, () => ['writer-secret']);
      const observe = createAccessLog(masked, () => on);
      observe({ ...record, user: 'writer-secret', statements: [{ type: 'SELECT', route: 'read', fingerprint: "SELECT url ( 'http://u:pw@h/?password=abc' )" }] });
      observe.flush();
      const [line] = lines();
      const text = JSON.stringify(line);
      expect(text).to.not.match(/writer-secret|pw@|abc/);
      expect(line?.user).to.equal(MASK);
    });

    it('masks fast-path hit lines too, with the secrets of the moment (a reload changes them)', () => {
      const { logger, lines } = capture();
      let secrets = ['writer-secret'];
      const masked = withMaskedSecrets(logger, () => secrets);
      const observe = createAccessLog(masked, () => on);
      const statements = [{ type: 'SELECT', route: 'read', fingerprint: "SELECT url ( 'http://u:pw@h/?password=abc' ) , 'new-secret'" }];
      const hit: RequestRecord = { ...record, statements, cache: 'hit', cacheReason: undefined, upstreamNodes: [], fastPath: true };
      observe({ ...hit, user: 'writer-secret', requestId: 'id-writer-secret' });
      observe({ ...hit, user: 'writer-secret', requestId: 'id-2', clientAddress: 'writer-secret' });
      // A reload writes what is waiting first (main.ts), under the secrets of before.
      observe.flush();
      secrets = ['new-secret'];
      observe({ ...hit, user: 'writer-secret', requestId: 'id-new-secret' });
      observe.flush();
      const [first, second, afterReload] = lines();
      expect(JSON.stringify([first, second])).to.not.match(/writer-secret|pw@|abc/);
      expect([first?.user, first?.reqId, second?.client]).to.deep.equal([MASK, `id-${MASK}`, MASK]);
      expect(first?.fingerprints).to.deep.equal([`SELECT url ( 'http://u:${MASK}@h/?password=${MASK}' ) , 'new-secret'`]);
      // The part kept from the lines before is masked again with the new secrets.
      expect(JSON.stringify(afterReload)).to.not.match(/new-secret|pw@|abc/);
      expect([afterReload?.user, afterReload?.reqId]).to.deep.equal(['writer-secret', `id-${MASK}`]);
    });
  });

  describe('logger', () => {
    it('setLevel applies to the loggers withSecrets derived', () => {
      const { logger, lines } = capture('info');
      const derived = logger.withSecrets(() => []);
      derived.debug('hidden');
      logger.setLevel('debug');
      derived.debug('shown');
      expect(lines().map((line) => line.msg)).to.deep.equal(['shown']);
    });

    it('writeJson writes the line pino writes for the same fields (keys, order, values)', () => {
      const { logger, lines } = capture();
      const fields = { reqId: 'q"1', user: 'ü\\n', types: ['SELECT'], upstream: [], cacheReason: null, durationMs: 0.5, fastPath: true };
      logger.info('request', fields);
      logger.writeJson('info', 'request', JSON.stringify(fields).slice(1, -1));
      logger.writeJson('warn', 'no fields', '');
      const [viaPino, viaJson, bare] = lines();
      expect(Object.keys(viaJson ?? {})).to.deep.equal(Object.keys(viaPino ?? {}));
      expect({ ...viaJson, time: 0 }).to.deep.equal({ ...viaPino, time: 0 });
      expect(bare).to.deep.include({ level: 'warn', msg: 'no fields' });
    });

    it('writes Error fields as their text', () => {
      const { logger, lines } = capture();
      logger.error('failed', { error: new Error('boom') });
      expect(lines()[0]).to.deep.include({ error: 'Error: boom', level: 'error' });
    });

    it('a log file that cannot be opened rejects ready with the reason (serve stops before listening)', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'chgate-log-bad-'));
      const notADirectory = join(dir, 'file');
      writeFileSync(notADirectory, '');
      const error = await openLogDestination(join(notADirectory, 'chgate.log')).ready.then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(String(error)).to.match(/cannot open the log file .*chgate\.log: (ENOTDIR|EEXIST)/);
    });

    it('flush() writes buffered lines to the file before returning (what shutdown relies on)', async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'chgate-log-flush-')), 'sub', 'chgate.log');
      const destination = openLogDestination(file);
      await destination.ready;
      const logger = createLogger('info', destination);
      for (let i = 0; i < 1000; i++) logger.info('line', { i });
      logger.flush();
      const written = readFileSync(file, 'utf8').trim().split('\n');
      expect(written).to.have.length(1000);
      expect(JSON.parse(written[999] ?? '')).to.deep.include({ msg: 'line', i: 999 });
    });
  });
});
