import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import type { ClusterLimitsConfig, ConcurrencyLimitConfig, UserLimitsConfig } from '../config/config.js';
import { ChgateError } from '../errors/error-catalogue.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { ClientResponse } from '../response/client-response.js';
import { checkDeclaredBodySize, countBodyBytes } from './body-limit.js';
import { capResultBytes } from './cap-result-bytes.js';
import { ConcurrencyLimitError, createConcurrencyLimiter, type ConcurrencyLimit } from './concurrency-limiter.js';
import { LimitAbort } from './limit-abort.js';
import { createRateLimiter } from './rate-limiter.js';

/** chgate_limits_hit_total{limit}: the config key of the limit that refused or stopped a request. */
export type LimitName =
  | 'max_concurrent_queries'
  | 'max_queue_wait_ms'
  | 'cluster_max_concurrent_queries'
  | 'cluster_max_queue_wait_ms'
  | 'requests_per_minute'
  | 'max_body_bytes'
  | 'max_execution_time_ms'
  | 'max_result_bytes';

export interface RequestLimitsDependencies {
  metrics: Pick<Metrics, 'limitsHit'>;
  /** The limits of the moment: a config reload applies to the next request. */
  userLimits(userName: string): UserLimitsConfig | undefined;
  clusterLimits(clusterName: string): ClusterLimitsConfig | undefined;
}

export interface RequestLimits {
  /**
   * At the start of a request, once its user is known: requests_per_minute (QUOTA_EXCEEDED, 429) and a declared
   * body over max_body_bytes (QUERY_IS_TOO_LARGE, 413) throw here.
   */
  admit(user: { name: string; cluster: string }, request: IncomingMessage): AdmittedRequest;
  /**
   * The cache-hit fast path asks before serving: takes the request's token when it may be served. False (nothing
   * taken) sends the request the full way, which refuses it with the right error.
   */
  admitFastHit(userName: string, bodyBytes: number): boolean;
}

export interface AdmittedRequest {
  /** The body to read instead of the request, counted against max_body_bytes (chunked bodies); else undefined. */
  body: Readable | undefined;
  /**
   * Runs the statements under the user's and the cluster's concurrency limits (waiting in their queues), with
   * max_execution_time forwarded in `params` and enforced by a timer, and the result cut at max_result_bytes.
   * `execute` gets the response to write to: its signal aborts when a limit stops the query (the statement runner
   * then kills it on ClickHouse). A limit that stopped the query is what this rejects with.
   */
  run<T>(output: ClientResponse, params: URLSearchParams, execute: (output: ClientResponse) => Promise<T>): Promise<T>;
}

/**
 * Per-user and per-cluster limits. Cache hits answer without ClickHouse doing any work, so they count against
 * requests_per_minute and max_body_bytes but take no concurrency slot and have no execution time to limit.
 */
export function createRequestLimits(deps: RequestLimitsDependencies): RequestLimits {
  const concurrency = createConcurrencyLimiter();
  const rate = createRateLimiter();
  const hit = (user: string, limit: LimitName): void => deps.metrics.limitsHit.inc({ user, limit });

  const acquireSlot = async (
    user: string,
    key: string,
    config: ConcurrencyLimitConfig,
    names: [full: LimitName, timeout: LimitName],
    signal: AbortSignal,
  ): Promise<() => void> => {
    const limit: ConcurrencyLimit = { maxConcurrent: config.maxConcurrentQueries, maxQueued: config.maxQueued, maxQueueWaitMs: config.maxQueueWaitMs };
    try {
      return await concurrency.acquire(key, limit, signal);
    } catch (error) {
      if (error instanceof ConcurrencyLimitError) {
        hit(user, error.rejection === 'full' ? names[0] : names[1]);
        throw error;
      }
      throw new ChgateError('NETWORK_ERROR', 'client closed the connection while its query waited for a slot', { cause: error });
    }
  };

  return {
    admit(user, request) {
      const limits = deps.userLimits(user.name);
      const perMinute = limits?.requestsPerMinute;
      if (perMinute !== undefined && !rate.tryTake(user.name, perMinute)) {
        hit(user.name, 'requests_per_minute');
        throw new ChgateError(
          'QUOTA_EXCEEDED',
          `Quota for user ${user.name} has been exceeded: more than ${perMinute} requests per minute (requests_per_minute); the next is allowed in ${rate.msUntilToken(user.name, perMinute)} ms`,
        );
      }
      let bodyError: ChgateError | undefined;
      let body: Readable | undefined;
      const maxBodyBytes = limits?.maxBodyBytes;
      if (maxBodyBytes !== undefined && request.method === 'POST') {
        try {
          checkDeclaredBodySize(request, maxBodyBytes);
        } catch (error) {
          hit(user.name, 'max_body_bytes');
          throw error;
        }
        if (request.headers['content-length'] === undefined) {
          body = countBodyBytes(request, maxBodyBytes, (error) => {
            hit(user.name, 'max_body_bytes');
            bodyError = error;
          });
        }
      }

      return {
        body,
        async run(output, params, execute) {
          const releases: (() => void)[] = [];
          try {
            if (limits?.concurrency) {
              releases.push(await acquireSlot(user.name, `user ${user.name}`, limits.concurrency, ['max_concurrent_queries', 'max_queue_wait_ms'], output.signal));
            }
            const cluster = deps.clusterLimits(user.cluster)?.concurrency;
            if (cluster) {
              releases.push(await acquireSlot(user.name, `cluster ${user.cluster}`, cluster, ['cluster_max_concurrent_queries', 'cluster_max_queue_wait_ms'], output.signal));
            }
            const maxExecutionTimeMs = limits?.maxExecutionTimeMs;
            const maxResultBytes = limits?.maxResultBytes;
            if (maxExecutionTimeMs !== undefined) forwardMaxExecutionTime(params, maxExecutionTimeMs);
            if (maxExecutionTimeMs === undefined && maxResultBytes === undefined) return await execute(output);

            const stopper = new AbortController();
            const timer =
              maxExecutionTimeMs === undefined
                ? undefined
                : setTimeout(() => {
                    const error = new ChgateError('TIMEOUT_EXCEEDED', `Timeout exceeded: the query ran longer than max_execution_time_ms (${maxExecutionTimeMs} ms) and was killed`);
                    stopper.abort(new LimitAbort('timeout', error));
                  }, maxExecutionTimeMs);
            try {
              return await execute(guardOutput(output, stopper, maxResultBytes));
            } catch (error) {
              const reason: unknown = stopper.signal.reason;
              if (reason instanceof LimitAbort) {
                hit(user.name, reason.killReason === 'timeout' ? 'max_execution_time_ms' : 'max_result_bytes');
                throw reason.error;
              }
              throw error;
            } finally {
              clearTimeout(timer);
            }
          } catch (error) {
            // A body cut at max_body_bytes while it streamed to ClickHouse fails the statement: say why.
            throw bodyError ?? error;
          } finally {
            for (const release of releases.reverse()) release();
          }
        },
      };
    },

    admitFastHit(userName, bodyBytes) {
      const limits = deps.userLimits(userName);
      if (!limits) return true;
      if (limits.maxBodyBytes !== undefined && bodyBytes > limits.maxBodyBytes) return false;
      return limits.requestsPerMinute === undefined || rate.tryTake(userName, limits.requestsPerMinute);
    },
  };
}

/**
 * ClickHouse stops the query itself too (max_execution_time, whole seconds on 18.16): the next whole second past the
 * limit, a backstop should chgate's KILL not arrive, that never races chgate's timer (so the client always gets
 * chgate's answer). A smaller value the client sent is kept; a larger one or 0 (no limit) is replaced.
 */
function forwardMaxExecutionTime(params: URLSearchParams, maxExecutionTimeMs: number): void {
  const seconds = Math.floor(maxExecutionTimeMs / 1000) + 1;
  const given = Number(params.get('max_execution_time') ?? '0');
  if (!(Number.isFinite(given) && given > 0 && given <= seconds)) params.set('max_execution_time', String(seconds));
}

/** The client's response as the statement runner sees it: aborted when a limit stops the query, results capped. */
function guardOutput(output: ClientResponse, stopper: AbortController, maxResultBytes: number | undefined): ClientResponse {
  const signal = AbortSignal.any([output.signal, stopper.signal]);
  const budget = { bytes: maxResultBytes ?? Number.POSITIVE_INFINITY };
  const stopForResultBytes = (): Error => {
    const error = new ChgateError(
      'TOO_MANY_ROWS_OR_BYTES',
      `Limit for result exceeded: more than max_result_bytes (${maxResultBytes}) bytes; the rest of the result was not sent and the query was killed`,
    );
    stopper.abort(new LimitAbort('result-bytes', error));
    return error;
  };
  const forwardBody: ClientResponse['forwardBody'] = (upstream, options) =>
    output.forwardBody(maxResultBytes === undefined ? upstream : { ...upstream, body: capResultBytes(upstream.body, budget, stopForResultBytes) }, options);
  // Everything else is the client's response itself (its methods close over their own state, not `this`).
  return Object.create(output, { signal: { get: () => signal }, forwardBody: { value: forwardBody } }) as ClientResponse;
}
