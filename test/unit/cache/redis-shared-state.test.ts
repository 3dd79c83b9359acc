import { expect } from 'chai';
import {
  invalidateArguments,
  invalidateScript,
  lookupArguments,
  lookupScript,
  parseIncarnation,
  parseLookupReply,
  runIdOf,
  scriptSha,
  syncScript,
} from '../../../src/cache/redis-scripts.js';
import { createSharedState, sharedVersionBumps, withIncarnation, type RedisCommander, type SharedInvalidation } from '../../../src/cache/redis-shared-state.js';
import { finishCacheKey } from '../../../src/cache/cache-key.js';

const runId = 'a'.repeat(40);
const info = `# Server\r\nredis_version:7.0.15\r\nrun_id:${runId}\r\ntcp_port:6379\r\n`;

/**
 * Stands in for the Redis client: answers INFO, and each script by its SHA (NOSCRIPT until EVAL has sent it),
 * from handlers the test sets; records every command. The Lua itself runs against a real Redis in
 * test/integration/cache-redis.test.ts.
 */
function fakeRedis() {
  const loaded = new Set<string>();
  const fake = {
    isReady: true as boolean,
    commands: [] as string[][],
    fail: undefined as Error | undefined,
    incarnation: 'inc-1',
    lookupReply: undefined as unknown,
    async sendCommand(args: string[]): Promise<unknown> {
      fake.commands.push(args);
      if (fake.fail) throw fake.fail;
      const [command, first] = args;
      if (command === 'INFO') return Buffer.from(info);
      const script = command === 'EVAL' ? first : [lookupScript, invalidateScript, syncScript].find((each) => scriptSha(each) === first);
      if (command === 'EVALSHA' && (!script || !loaded.has(script))) throw new Error('NOSCRIPT No matching script');
      loaded.add(script as string);
      if (script === lookupScript) return fake.lookupReply;
      return Buffer.from(fake.incarnation);
    },
  };
  return fake satisfies RedisCommander;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const syncsSent = (fake: ReturnType<typeof fakeRedis>) =>
  fake.commands.filter(([command, sha]) => (command === 'EVALSHA' && sha === scriptSha(syncScript)) || (command === 'EVAL' && sha === syncScript));

describe('redis shared state: scripts and replies', () => {
  it('lays out script arguments: counts before each list', () => {
    expect(lookupArguments({ candidate: 'c', scopes: ['*', 'd:db', 't:db.t'], tables: ['db.t'] })).to.deep.equal(['c', '3', '*', 'd:db', 't:db.t', 'db.t']);
    expect(invalidateArguments({ candidate: 'c', markTtlMs: 60, scopes: ['t:db.a'], mark: ['db.a'], unmark: ['db.b', 'db.c'] })).to.deep.equal([
      'c',
      '60',
      '1',
      't:db.a',
      '1',
      'db.a',
      'db.b',
      'db.c',
    ]);
  });

  it('parses a lookup reply of Buffers and integers', () => {
    const reply = [1_700_000_000_123, Buffer.from('inc'), 1_700_000_000_000, [Buffer.from('4'), Buffer.from('0'), Buffer.from('12')], [Buffer.from('db.t')]];
    expect(parseLookupReply(reply, 3)).to.deep.equal({ redisNowMs: 1_700_000_000_123, incarnation: 'inc', lastWriteMs: 1_700_000_000_000, versions: [4, 0, 12], mutating: ['db.t'] });
  });

  it('rejects replies it cannot trust', () => {
    expect(() => parseLookupReply([1, Buffer.from('i'), 0, [Buffer.from('1')], []], 2)).to.throw(/number of versions/);
    expect(() => parseLookupReply([1, Buffer.from('i'), 0, [Buffer.from('x')], []], 1)).to.throw(/not an integer/);
    expect(() => parseLookupReply('OK', 1)).to.throw(/unexpected reply/);
    expect(() => parseIncarnation(null)).to.throw(/no incarnation/);
    expect(() => runIdOf('# Server\r\nredis_version:7\r\n')).to.throw(/run_id/);
    expect(runIdOf(Buffer.from(info))).to.equal(runId);
  });

  it('puts the incarnation in the key: same versions, another incarnation, another key', () => {
    const snapshot = { epoch: 0, scopes: [['t:db.t', 3] as const] };
    const a = finishCacheKey(withIncarnation('prefix', 'one'), snapshot, undefined);
    expect(finishCacheKey(withIncarnation('prefix', 'one'), snapshot, undefined)).to.equal(a);
    expect(finishCacheKey(withIncarnation('prefix', 'two'), snapshot, undefined)).to.not.equal(a);
    expect(finishCacheKey('prefix', snapshot, undefined)).to.not.equal(a);
  });
});

describe('redis shared state: availability', () => {
  const open = (fake: ReturnType<typeof fakeRedis>, extra: { now?: () => number; onIncarnationChange?: (inc: string) => void } = {}) => {
    const events: string[] = [];
    const shared = createSharedState({
      client: fake,
      stateKey: 'p:state',
      windowMs: 1000,
      markTtlMs: 60_000,
      retryMs: 5,
      onError: (operation) => events.push(`error ${operation}`),
      onAvailability: (available) => events.push(available ? 'up' : 'down'),
      ...extra,
    });
    return { shared, events };
  };

  it('answers nothing until the first sync, then reads versions, window and marks in one script', async () => {
    const fake = fakeRedis();
    let clock = 50_000;
    const { shared, events } = open(fake, { now: () => clock });
    expect(await shared.read(['db.t'])).to.equal(undefined);
    expect(fake.commands).to.have.length(0);
    shared.connected();
    await tick();
    expect(events).to.deep.equal(['up']);
    // NOSCRIPT the first time: the script is sent whole once.
    expect(fake.commands.map(([command]) => command)).to.deep.equal(['INFO', 'EVALSHA', 'EVAL']);
    const sync = syncsSent(fake)[1]!;
    // EVAL, script, 1 key, the state hash, candidate incarnation, run_id, dirty, mark ttl.
    expect(sync.slice(2, 4)).to.deep.equal(['1', 'p:state']);
    expect(sync.slice(5, 7)).to.deep.equal([runId, '0']);

    clock = 80_000;
    // Redis's clock is 10 s ahead; the write was 400 ms before Redis's now.
    fake.lookupReply = [1_000_010_000, Buffer.from('inc-1'), 1_000_009_600, [Buffer.from('2'), Buffer.from('5'), Buffer.from('7')], [Buffer.from('db.t')]];
    const state = await shared.read(['db.t']);
    expect(state).to.deep.equal({
      incarnation: 'inc-1',
      snapshot: { epoch: 2, scopes: [['d:db', 5], ['t:db.t', 7]] },
      recentlyWritten: true,
      lastWriteAtMs: 80_000 - 400,
      mutating: ['db.t'],
    });
    fake.lookupReply = [1_000_010_000, Buffer.from('inc-1'), 1_000_008_000, [Buffer.from('2'), Buffer.from('5'), Buffer.from('7')], []];
    expect((await shared.read(['db.t']))?.recentlyWritten, 'a write 2 s ago, window 1 s').to.equal(false);
    fake.lookupReply = [1_000_010_000, Buffer.from('inc-1'), 0, [Buffer.from('0'), Buffer.from('0'), Buffer.from('0')], []];
    expect((await shared.read(['db.t']))?.lastWriteAtMs, 'no write known').to.equal(0);
  });

  it('a failed read makes it unavailable and syncs again; a lost bump rotates the incarnation on that sync', async () => {
    const fake = fakeRedis();
    const { shared, events } = open(fake);
    shared.connected();
    await tick();
    fake.fail = new Error('Socket closed unexpectedly');
    expect(await shared.read(['db.t'])).to.equal(undefined);
    expect(shared.available).to.equal(false);
    await shared.invalidate({ scopes: ['t:db.t'], mark: [], unmark: [] });
    fake.fail = undefined;
    await tick();
    await tick();
    expect(shared.available).to.equal(true);
    const syncs = syncsSent(fake);
    expect(syncs.at(-1)?.[6], 'dirty: a write was not bumped').to.equal('1');
    expect(events.filter((event) => event !== 'error versions')).to.deep.equal(['up', 'down', 'up']);
    // Once rotated, later syncs are clean again.
    shared.disconnected();
    shared.connected();
    await tick();
    expect(syncsSent(fake).at(-1)?.[6]).to.equal('0');
  });

  it('a bump made while reconnecting waits for the sync and lands, instead of being lost', async () => {
    const fake = fakeRedis();
    const shared = createSharedState({ client: fake, stateKey: 'p:state', windowMs: 1000, markTtlMs: 60_000, retryMs: 5, writeWaitMs: 1_000, onError: () => {} });
    fake.isReady = false;
    const bumping = shared.invalidate({ scopes: ['t:db.t'], mark: [], unmark: [] });
    await tick();
    fake.isReady = true;
    shared.connected();
    await bumping;
    const invalidations = fake.commands.filter(([command, sha]) => (command === 'EVALSHA' && sha === scriptSha(invalidateScript)) || (command === 'EVAL' && sha === invalidateScript));
    expect(invalidations.length, 'the bump was sent after the sync').to.be.greaterThan(0);
    expect(syncsSent(fake).at(-1)?.[6], 'nothing lost: no rotation').to.equal('0');
    shared.close();
  });

  it('a bump that waited in vain marks it dirty', async () => {
    const fake = fakeRedis();
    const shared = createSharedState({ client: fake, stateKey: 'p:state', windowMs: 1000, markTtlMs: 60_000, retryMs: 5, writeWaitMs: 20, onError: () => {} });
    fake.isReady = false;
    await shared.invalidate({ scopes: ['t:db.t'], mark: [], unmark: [] });
    fake.isReady = true;
    shared.connected();
    await tick();
    expect(syncsSent(fake).at(-1)?.[6]).to.equal('1');
    shared.close();
  });

  it('a bump that fails while available also marks it dirty', async () => {
    const fake = fakeRedis();
    const { shared } = open(fake);
    shared.connected();
    await tick();
    fake.fail = new Error('timeout');
    await shared.invalidate({ scopes: ['*'], mark: [], unmark: [] });
    expect(shared.available).to.equal(false);
    fake.fail = undefined;
    await tick();
    await tick();
    expect(syncsSent(fake).at(-1)?.[6]).to.equal('1');
    expect(shared.available).to.equal(true);
  });

  it('does not answer a read that raced a failure: the failed bump may be missing from it', async () => {
    const fake = fakeRedis();
    const { shared } = open(fake);
    shared.connected();
    await tick();
    fake.lookupReply = [1, Buffer.from('inc-1'), 0, [Buffer.from('0'), Buffer.from('0'), Buffer.from('0')], []];
    const reading = shared.read(['db.t']);
    shared.disconnected(new Error('gone'));
    expect(await reading).to.equal(undefined);
  });

  it('tells when the incarnation changes (the memory tier is dropped then)', async () => {
    const fake = fakeRedis();
    const changes: string[] = [];
    const { shared } = open(fake, { onIncarnationChange: (inc) => changes.push(inc) });
    shared.connected();
    await tick();
    fake.lookupReply = [1, Buffer.from('inc-2'), 0, [Buffer.from('0'), Buffer.from('0'), Buffer.from('0')], []];
    expect((await shared.read(['db.t']))?.incarnation).to.equal('inc-2');
    expect(changes).to.deep.equal(['inc-2']);
  });

  it('bumps: tables noted and bumped, mutating ones marked, finished ones unmarked', async () => {
    const sent: SharedInvalidation[] = [];
    const shared = { invalidate: async (change: SharedInvalidation) => void sent.push(change) };
    const bumps = sharedVersionBumps(shared as never, (table) => table === 'db.m');
    await bumps.invalidate(['db.m', 'db.t'], 'write-start');
    await bumps.invalidate(['db.t'], 'mutation-done');
    await bumps.invalidateDatabases(['db'], 'write-complete');
    await bumps.invalidateAll('purge');
    expect(sent).to.deep.equal([
      { scopes: ['t:db.m', 't:db.t'], mark: ['db.m'], unmark: [] },
      { scopes: ['t:db.t'], mark: [], unmark: ['db.t'] },
      { scopes: ['d:db'], mark: [], unmark: [] },
      { scopes: ['*'], mark: [], unmark: [] },
    ]);
  });
});
