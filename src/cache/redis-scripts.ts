import { createHash } from 'node:crypto';

/**
 * The shared cache state in Redis, and the Lua scripts that read and change it. Everything lives in ONE hash
 * (`<prefix>state`), so Redis loses it all or nothing (a restart without persistence, FLUSHALL, an eviction):
 *
 *   `!inc`        the incarnation: a random id that is part of every cache key. A new one makes every entry
 *                 stored before unreachable, in Redis and in every instance's memory tier.
 *   `!run`        Redis's run_id when the incarnation was made: a restarted Redis (run_id changes) may have come
 *                 back from a snapshot older than the last bumps, so the first instance that sees it rotates.
 *   `v:<scope>`   a version (scope as in table-versions.ts: `*`, `d:<db>`, `t:<db.t>`), bumped by HINCRBY.
 *   `w:<scope>`   the last write to the scope, in Redis's clock (TIME): the replica-lag window and the
 *                 `replica-behind` check of every instance read it.
 *   `m:<db.t>`    a mutation is running on the table until this time (Redis's clock), refreshed while an
 *                 instance tracks it.
 *
 * A missing `!inc` is made at once from the candidate the caller sends, and counts as a write to everything
 * (`w:*` = now): versions start again from 0, and the lag window sends reads to the writer, whatever writes were
 * lost with the old state. Each script runs atomically, so a lookup sees versions, window and marks of one moment.
 */

const nowMs = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

const ensureIncarnation = `local inc = redis.call('HGET', KEYS[1], '!inc')
if not inc then
  inc = ARGV[1]
  redis.call('HSET', KEYS[1], '!inc', inc, 'w:*', now)
end`;

/** ARGV: candidate incarnation, n, n scopes, then the tables read. Reply: [now, inc, lastWrite, versions, mutating]. */
export const lookupScript = `${nowMs}
${ensureIncarnation}
local n = tonumber(ARGV[2])
local m = #ARGV - 2 - n
local fields = {}
for i = 1, n do
  fields[i] = 'v:' .. ARGV[2 + i]
  fields[n + i] = 'w:' .. ARGV[2 + i]
end
for i = 1, m do fields[2 * n + i] = 'm:' .. ARGV[2 + n + i] end
local values = redis.call('HMGET', KEYS[1], unpack(fields))
local versions = {}
local last = 0
for i = 1, n do
  versions[i] = values[i] or '0'
  local w = tonumber(values[n + i])
  if w and w > last then last = w end
end
local mutating = {}
for i = 1, m do
  local untilMs = tonumber(values[2 * n + i])
  if untilMs and untilMs > now then mutating[#mutating + 1] = ARGV[2 + n + i] end
end
return { now, inc, last, versions, mutating }`;

/**
 * ARGV: candidate incarnation, mark ttl ms, n, n scopes (noted as written, then bumped), k, k tables to mark as
 * mutating, then tables to unmark. Reply: the incarnation.
 */
export const invalidateScript = `${nowMs}
${ensureIncarnation}
local ttl = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
for i = 1, n do
  redis.call('HSET', KEYS[1], 'w:' .. ARGV[3 + i], now)
  redis.call('HINCRBY', KEYS[1], 'v:' .. ARGV[3 + i], 1)
end
local k = tonumber(ARGV[4 + n])
for i = 1, k do redis.call('HSET', KEYS[1], 'm:' .. ARGV[4 + n + i], now + ttl) end
for i = 5 + n + k, #ARGV do redis.call('HDEL', KEYS[1], 'm:' .. ARGV[i]) end
return inc`;

/**
 * After every (re)connection. ARGV: candidate incarnation, run_id, dirty ('1': this instance may have lost a
 * bump). Rotates the incarnation when Redis restarted since it was made, or when dirty. Reply: the incarnation.
 * (Marks are refreshed with invalidateScript.)
 */
export const syncScript = `${nowMs}
local inc = redis.call('HGET', KEYS[1], '!inc')
local run = redis.call('HGET', KEYS[1], '!run')
if (not inc) or run ~= ARGV[2] or ARGV[3] == '1' then
  inc = ARGV[1]
  redis.call('HSET', KEYS[1], '!inc', inc, '!run', ARGV[2], 'w:*', now)
end
return inc`;

export const scriptSha = (script: string): string => createHash('sha1').update(script).digest('hex');

export interface LookupArguments {
  candidate: string;
  /** `*` first, then scopesOf(tables). */
  scopes: readonly string[];
  tables: readonly string[];
}

export const lookupArguments = ({ candidate, scopes, tables }: LookupArguments): string[] => [candidate, String(scopes.length), ...scopes, ...tables];

export interface InvalidateArguments {
  candidate: string;
  markTtlMs: number;
  scopes: readonly string[];
  mark: readonly string[];
  unmark: readonly string[];
}

export const invalidateArguments = (a: InvalidateArguments): string[] => [
  a.candidate,
  String(a.markTtlMs),
  String(a.scopes.length),
  ...a.scopes,
  String(a.mark.length),
  ...a.mark,
  ...a.unmark,
];

export interface LookupReply {
  redisNowMs: number;
  incarnation: string;
  /** The latest write to any scope read, Redis's clock; 0 when none is known. */
  lastWriteMs: number;
  /** Versions in the order of the scopes sent. */
  versions: number[];
  mutating: string[];
}

const text = (value: unknown): string => (Buffer.isBuffer(value) ? value.toString('utf8') : String(value));

function integer(value: unknown, what: string): number {
  const number = typeof value === 'number' ? value : Number(text(value));
  if (!Number.isSafeInteger(number)) throw new Error(`redis lookup script: ${what} is not an integer: ${text(value)}`);
  return number;
}

/** Replies come as Buffers (the client maps bulk strings to Buffers for binary entries) or numbers. */
export function parseLookupReply(reply: unknown, scopeCount: number): LookupReply {
  if (!Array.isArray(reply) || reply.length !== 5 || !Array.isArray(reply[3]) || !Array.isArray(reply[4])) {
    throw new Error('redis lookup script: unexpected reply');
  }
  const versions = (reply[3] as unknown[]).map((value) => integer(value, 'a version'));
  if (versions.length !== scopeCount) throw new Error('redis lookup script: wrong number of versions');
  return {
    redisNowMs: integer(reply[0], 'TIME'),
    incarnation: text(reply[1]),
    lastWriteMs: integer(reply[2], 'a write time'),
    versions,
    mutating: (reply[4] as unknown[]).map(text),
  };
}

export const parseIncarnation = (reply: unknown): string => {
  if (reply === null || reply === undefined || Array.isArray(reply)) throw new Error('redis script: no incarnation in the reply');
  return text(reply);
};

/** `run_id:<40 hex>` from INFO server. */
export function runIdOf(info: unknown): string {
  const match = /^run_id:([0-9a-f]+)\r?$/m.exec(text(info));
  if (!match?.[1]) throw new Error('redis INFO server has no run_id');
  return match[1];
}
