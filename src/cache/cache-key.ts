import { createHash } from 'node:crypto';
import type { TableVersionSnapshot } from './table-versions.js';

/** Everything that can change the bytes of a cacheable read's response. */
export interface CacheKeyInput {
  /** The classifier's normalized text: comments, whitespace and keyword case gone; literals and `FORMAT x` kept. */
  statement: string;
  /** The effective database (`database` param, X-ClickHouse-Database header folded in by decoding, or `default`). */
  database: string;
  /** URL parameters as forwarded to ClickHouse, in any order; those in `paramsExcludedFromKey` are skipped. */
  params: Iterable<readonly [string, string]>;
  /** The client's Accept-Encoding: with compression enabled (by param or by profile) it picks the body's encoding. */
  acceptEncoding: string | undefined;
  /** The encoding chgate compresses the output with itself, when it does (ClickHouse is then sent no Accept-Encoding). */
  proxyEncoding?: string | undefined;
  /** The upstream cluster and the ClickHouse user chgate runs reads as: grants, row policies, profile settings. */
  cluster: string;
  backendUser: string;
  /** `user:<proxy user>` or `group:<shared group>` (cacheScopeOf). */
  scope: string;
  /** Versions of every table read, their databases and the epoch, taken before the read is sent. */
  versions: TableVersionSnapshot;
  /**
   * A `cache.rules` TTL, when one applies: entries stored under different TTLs (a rule changed between restarts,
   * users of a shared group matched by different rules) are then never mixed. Absent: the key is as before.
   */
  ttlMs?: number;
}

/**
 * URL parameters that cannot change a successful response's bytes, so requests differing only in them share an
 * entry. Anything not listed, including every parameter chgate does not know, is part of the key: a needless miss
 * is cheap, a wrong hit is not.
 *
 * - query_id: names the query in logs; the response's X-ClickHouse-Query-Id is per request and never stored.
 * - session_id, session_timeout, session_check: requests with a session are never cached (they may see session
 *   state such as temporary tables).
 * - no_cache: chgate's own switch, never forwarded.
 * - user, password, query, quota_key: credentials and quota accounting; the query text is keyed as `statement`.
 * - database: keyed as the effective database, so `?database=default` and no parameter share entries.
 * - log_queries, log_query_threads, log_comment, log_formatted_queries, log_profile_events,
 *   log_queries_min_type, log_queries_min_query_duration_ms, log_queries_probability, opentelemetry_*: logging
 *   and tracing on the server.
 * - send_progress_in_http_headers, http_headers_progress_interval_ms: X-ClickHouse-Progress headers, never stored.
 * - wait_end_of_query, buffer_size, http_response_buffer_size, http_wait_end_of_query: where the server buffers
 *   the response; the bytes of a successful response are the same (a failure is never stored).
 * - priority, os_thread_priority, queue_max_wait_ms: scheduling only.
 * Deliberately kept: max_execution_time and every limit (with `*_overflow_mode=break` they truncate results),
 * max_threads, compress/decompress, enable_http_compression, http_zlib_compression_level, default_format,
 * output_format_*, param_*, readonly, add_http_cors_header, and all `*_structure`/`*_format` of external data.
 */
export const paramsExcludedFromKey: ReadonlySet<string> = new Set([
  'query_id',
  'session_id',
  'session_timeout',
  'session_check',
  'no_cache',
  'user',
  'password',
  'query',
  'quota_key',
  'database',
  'log_queries',
  'log_query_threads',
  'log_comment',
  'log_formatted_queries',
  'log_profile_events',
  'log_queries_min_type',
  'log_queries_min_query_duration_ms',
  'log_queries_probability',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'wait_end_of_query',
  'buffer_size',
  'http_response_buffer_size',
  'http_wait_end_of_query',
  'priority',
  'os_thread_priority',
  'queue_max_wait_ms',
]);

export function isParamInKey(name: string): boolean {
  return !paramsExcludedFromKey.has(name) && !name.startsWith('opentelemetry_');
}

/** Bumped when the key's layout changes, so keys of an older layout in a persistent store are never matched. */
const keyLayoutVersion = 'chgate-cache-key-v1';

/**
 * A sha256 hex digest (64 characters) of the input. Every field is written as `<utf-8 byte length>:<text>` and
 * every list is preceded by its length, so the encoding can be read back unambiguously: two different inputs never
 * produce the same bytes by concatenation (`a=bc` vs `ab=c`). Parameters are stably sorted by name, so their order
 * in the URL does not matter, while repeated names keep their relative order (ClickHouse takes one of them).
 */
export function buildCacheKey(input: CacheKeyInput): string {
  return finishCacheKey(cacheKeyPrefix(input), input.versions, input.ttlMs);
}

/** The encoded fields that stay the same while table versions change: computed once per distinct request. */
export function cacheKeyPrefix(input: Omit<CacheKeyInput, 'versions' | 'ttlMs'>): string {
  const params: Array<readonly [string, string]> = [];
  for (const pair of input.params) if (isParamInKey(pair[0])) params.push(pair);
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));

  const fields: string[] = [
    keyLayoutVersion,
    input.statement,
    input.database,
    input.cluster,
    input.backendUser,
    input.scope,
    input.proxyEncoding !== undefined ? `*${input.proxyEncoding}` : input.acceptEncoding === undefined ? '-' : `+${input.acceptEncoding.trim().toLowerCase()}`,
    String(params.length),
  ];
  for (const [name, value] of params) fields.push(name, value);
  return encodeFields(fields);
}

/** The key: the prefix, then the versions and the rule TTL, hashed. */
export function finishCacheKey(prefix: string, versions: TableVersionSnapshot, ttlMs: number | undefined): string {
  const fields = [String(versions.epoch), String(versions.scopes.length)];
  for (const [scope, version] of versions.scopes) fields.push(scope, String(version));
  // Last, after the length-prefixed list: still unambiguous, and keys without a rule TTL keep their old value.
  if (ttlMs !== undefined) fields.push(`ttl:${ttlMs}`);
  return createHash('sha256').update(prefix + encodeFields(fields)).digest('hex');
}

function encodeFields(fields: readonly string[]): string {
  let encoded = '';
  for (const field of fields) encoded += `${Buffer.byteLength(field)}:${field}`;
  return encoded;
}
