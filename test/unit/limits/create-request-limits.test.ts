import { expect } from 'chai';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import type { UserLimitsConfig } from '../../../src/config/config.js';
import type { ChgateError } from '../../../src/errors/error-catalogue.js';
import { createRequestLimits } from '../../../src/limits/create-request-limits.js';
import { killReasonOf } from '../../../src/limits/limit-abort.js';
import { createMetrics } from '../../../src/metrics/create-metrics.js';
import type { ClientResponse } from '../../../src/response/client-response.js';

const user = { name: 'u', cluster: 'c' };
const get = (method: string, headers: Record<string, string> = {}) => ({ method, headers }) as unknown as IncomingMessage;

function fakeOutput(): ClientResponse & { written: Buffer[] } {
  const written: Buffer[] = [];
  return {
    written,
    isStarted: false,
    bodyBytesForwarded: 0,
    signal: new AbortController().signal,
    setHeader() {},
    async forwardBody(upstream) {
      for await (const chunk of upstream.body) written.push(chunk as Buffer);
      return { endedWithException: false };
    },
    replay() {},
    forwardError() {},
    fail() {},
    finish() {},
  };
}

function setUp(limits: UserLimitsConfig | undefined) {
  const metrics = createMetrics({ collectProcessMetrics: false });
  const requestLimits = createRequestLimits({ metrics, userLimits: () => limits, clusterLimits: () => undefined });
  const hits = async (limit: string): Promise<number> => (await metrics.limitsHit.get()).values.find((value) => value.labels.limit === limit)?.value ?? 0;
  return { requestLimits, hits };
}

const thrownBy = (run: () => unknown): ChgateError | undefined => {
  try {
    run();
  } catch (error) {
    return error as ChgateError;
  }
  return undefined;
};

describe('request limits', () => {
  it('admits everything when the user has no limits, and runs without touching params', async () => {
    const { requestLimits } = setUp(undefined);
    const admitted = requestLimits.admit(user, get('POST'));
    expect(admitted.body).to.equal(undefined);
    const params = new URLSearchParams('query_id=x');
    expect(await admitted.run(fakeOutput(), params, async () => 7)).to.equal(7);
    expect(params.toString()).to.equal('query_id=x');
    expect(requestLimits.admitFastHit('u', 1_000_000)).to.equal(true);
  });

  it('refuses past requests_per_minute with QUOTA_EXCEEDED, cache hits counted too', async () => {
    const { requestLimits, hits } = setUp({ requestsPerMinute: 2 });
    expect(requestLimits.admitFastHit('u', 0)).to.equal(true);
    requestLimits.admit(user, get('GET'));
    expect(requestLimits.admitFastHit('u', 0)).to.equal(false);
    const error = thrownBy(() => requestLimits.admit(user, get('GET')));
    expect(error?.errorName).to.equal('QUOTA_EXCEEDED');
    expect(error?.status).to.equal(429);
    expect(error?.code).to.equal(201);
    expect(await hits('requests_per_minute')).to.equal(1);
  });

  it('refuses a declared body over max_body_bytes, and counts a chunked one as it streams', async () => {
    const { requestLimits, hits } = setUp({ maxBodyBytes: 10 });
    expect(thrownBy(() => requestLimits.admit(user, get('POST', { 'content-length': '11' })))?.status).to.equal(413);
    expect(requestLimits.admit(user, get('POST', { 'content-length': '10' })).body).to.equal(undefined);
    expect(requestLimits.admitFastHit('u', 11)).to.equal(false);
    expect(await hits('max_body_bytes')).to.equal(1);
    const chunked = Object.assign(Readable.from([Buffer.from('0123456789'), Buffer.from('x')]), { method: 'POST', headers: {} }) as unknown as IncomingMessage;
    const admitted = requestLimits.admit(user, chunked);
    const error = await (async () => {
      for await (const chunk of admitted.body as Readable) void chunk;
    })().catch((caught: unknown) => caught as ChgateError);
    expect(error?.status).to.equal(413);
    // The statements that were running fail with the body's error, whatever broke in them.
    const failure = await admitted.run(fakeOutput(), new URLSearchParams(), () => Promise.reject(new Error('upstream broke'))).catch((caught: unknown) => caught);
    expect(failure).to.equal(error);
  });

  it('forwards max_execution_time as the next whole second past the limit, keeping a smaller client value', async () => {
    const { requestLimits } = setUp({ maxExecutionTimeMs: 1500 });
    const run = async (given: string): Promise<string | null> => {
      const params = new URLSearchParams(given);
      await requestLimits.admit(user, get('GET')).run(fakeOutput(), params, async () => undefined);
      return params.get('max_execution_time');
    };
    expect(await run('')).to.equal('2');
    expect(await run('max_execution_time=0')).to.equal('2');
    expect(await run('max_execution_time=60')).to.equal('2');
    expect(await run('max_execution_time=1')).to.equal('1');
    const exact = setUp({ maxExecutionTimeMs: 1000 }).requestLimits;
    const params = new URLSearchParams();
    await exact.admit(user, get('GET')).run(fakeOutput(), params, async () => undefined);
    expect(params.get('max_execution_time')).to.equal('2');
  });

  it('aborts the signal at max_execution_time_ms (kill reason timeout) and rejects with TIMEOUT_EXCEEDED', async () => {
    const { requestLimits, hits } = setUp({ maxExecutionTimeMs: 30 });
    let reason = '';
    const failure = await requestLimits
      .admit(user, get('GET'))
      .run(fakeOutput(), new URLSearchParams(), (output) =>
        new Promise<void>((_resolve, reject) => {
          output.signal.addEventListener('abort', () => {
            reason = killReasonOf(output.signal);
            reject(new Error('aborted'));
          });
        }),
      )
      .then(() => undefined, (error: unknown) => error as ChgateError);
    expect(reason).to.equal('timeout');
    expect(failure?.errorName).to.equal('TIMEOUT_EXCEEDED');
    expect(failure?.code).to.equal(159);
    expect(await hits('max_execution_time_ms')).to.equal(1);
  });

  it('cuts results at max_result_bytes across statements (kill reason result-bytes)', async () => {
    const { requestLimits, hits } = setUp({ maxResultBytes: 8 });
    const output = fakeOutput();
    let reason = '';
    const upstream = (text: string) => ({ statusCode: 200, headers: {}, body: Readable.from([Buffer.from(text)]) });
    const failure = await requestLimits
      .admit(user, get('GET'))
      .run(output, new URLSearchParams(), async (limited) => {
        limited.signal.addEventListener('abort', () => {
          reason = killReasonOf(limited.signal);
        });
        await limited.forwardBody(upstream('12345'), { isOnlyStatement: false });
        await limited.forwardBody(upstream('67890'), { isOnlyStatement: false });
      })
      .then(() => undefined, (error: unknown) => error as ChgateError);
    expect(failure?.errorName).to.equal('TOO_MANY_ROWS_OR_BYTES');
    expect(reason).to.equal('result-bytes');
    expect(Buffer.concat(output.written).toString().length).to.be.at.most(8);
    expect(Buffer.concat(output.written).toString()).to.match(/^12345/);
    expect(await hits('max_result_bytes')).to.equal(1);
  });

  it('holds the user concurrency slot while the statements run and releases it after', async () => {
    const { requestLimits } = setUp({ concurrency: { maxConcurrentQueries: 1, maxQueued: 0, maxQueueWaitMs: 1000 } });
    let finish: () => void = () => {};
    const first = requestLimits.admit(user, get('GET')).run(fakeOutput(), new URLSearchParams(), () => new Promise<void>((resolve) => (finish = resolve)));
    await new Promise((resolve) => setImmediate(resolve));
    const refused = await requestLimits.admit(user, get('GET')).run(fakeOutput(), new URLSearchParams(), async () => 'ran').catch((error: unknown) => error as ChgateError);
    expect((refused as ChgateError).errorName).to.equal('TOO_MANY_SIMULTANEOUS_QUERIES');
    finish();
    await first;
    expect(await requestLimits.admit(user, get('GET')).run(fakeOutput(), new URLSearchParams(), async () => 'ran')).to.equal('ran');
  });
});
