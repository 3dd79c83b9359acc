import { Readable } from 'node:stream';
import type { CacheFill, QueryCache } from '../cache/create-query-cache.js';
import type { Logger } from '../log/create-logger.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { ClientResponse } from '../response/client-response.js';
import { readBounded } from '../response/read-bounded.js';
import type { PlannedStatement } from '../routing/plan-body.js';
import type { DecodedRequest } from '../server/decode-request.js';
import type { QueryHead } from '../server/read-query-head.js';
import { applySessionParams } from '../session/session-params.js';
import { backendUserHeaders } from '../upstream/backend-user-headers.js';
import { sendAsBackendUser } from '../upstream/backend-user.js';
import { isUnknownTableError } from '../upstream/clickhouse-error-code.js';
import { describeUpstreamFailure, isRetryableFailure, type UpstreamFailure } from '../upstream/describe-upstream-failure.js';
import type { NodeChoice, UpstreamCluster } from '../upstream/upstream-cluster.js';
import type { UpstreamNode, UpstreamResponse } from '../upstream/upstream-node.js';

export interface StatementRunnerDependencies {
  /** Absent when the cache is disabled. */
  cache: QueryCache | undefined;
  metrics: Metrics;
  logger: Logger;
}

export interface StatementContext {
  cluster: UpstreamCluster;
  decoded: DecodedRequest;
  query: QueryHead;
  output: ClientResponse;
  /** Told of each statement (local ones too) that ran to its end without error; they run in order. */
  onStatementRan?: (index: number) => void;
}

type StatementOutcome =
  | { kind: 'streamed'; upstream: UpstreamResponse; node: UpstreamNode; endedWithException: boolean }
  | { kind: 'failed'; upstream: UpstreamResponse; errorBody: Buffer };

const maxErrorBodyBytes = 1024 * 1024;

/**
 * Runs a planned body against the upstream nodes: statements in order, outputs streamed to the client, writes
 * invalidating the cache around them, safe retries, and KILL QUERY when the client goes away.
 */
export function createStatementRunner(deps: StatementRunnerDependencies) {
  const { cache, metrics } = deps;
  return { runStatements };

  /**
   * Runs the statements in order, each on its node, streaming outputs to the client; stops at the first failure
   * (which answers the client). Resolves to the last upstream response, if any statement went upstream. A fill
   * given is finished or abandoned here.
   */
  async function runStatements(
    plan: readonly PlannedStatement[],
    choices: (NodeChoice | undefined)[],
    context: StatementContext,
    fill: CacheFill | undefined,
  ): Promise<UpstreamResponse | undefined> {
    const { decoded, output } = context;
    let lastUpstream: UpstreamResponse | undefined;
    try {
      for (const [index, step] of plan.entries()) {
        if (!choices[index]) {
          context.onStatementRan?.(index);
          continue;
        }
        const database = step.database ?? decoded.params.get('database') ?? undefined;
        const changesData = step.classification.route !== 'read' || step.classification.unknown;
        // Invalidated when a write starts and again when it has completed, before the client hears of it, even
        // when it failed: ClickHouse may have applied part of it.
        let completed = false;
        const complete = async (): Promise<void> => {
          if (changesData && !completed) await cache?.invalidateFor(step.classification, database, 'complete');
          completed = true;
        };
        if (changesData) await cache?.invalidateFor(step.classification, database, 'start');
        try {
          const outcome = await runStatement(step, index, plan, choices, context, fill);
          lastUpstream = outcome.upstream;
          if (outcome.kind === 'failed') {
            await complete();
            output.forwardError(outcome.upstream, outcome.errorBody);
            return lastUpstream;
          }
          if (fill) {
            const servedByWriter = outcome.node.role === 'writer';
            void fill
              .finish({ status: outcome.upstream.statusCode, headers: outcome.upstream.headers, cutOff: false, servedByWriter })
              .catch((error: unknown) => deps.logger.warn('cache store failed', { error: String(error) }));
            fill = undefined;
          }
          if (outcome.endedWithException) break;
          context.onStatementRan?.(index);
        } finally {
          await complete();
        }
      }
      return lastUpstream;
    } finally {
      fill?.abandon();
    }
  }

  /**
   * One statement, sent again once to another node when that is safe: a read that failed before any byte reached
   * the client, a read of a table only the writer has, a write that never reached ClickHouse.
   */
  async function runStatement(
    step: PlannedStatement,
    index: number,
    plan: readonly PlannedStatement[],
    choices: (NodeChoice | undefined)[],
    context: StatementContext,
    fill: CacheFill | undefined,
  ): Promise<StatementOutcome> {
    const { cluster, decoded, query, output } = context;
    const isLast = index === plan.length - 1;
    const isRead = step.decision.identity === 'read';
    // A streamed body (INSERT data past the head, opaque data) cannot be sent twice.
    const canResend = !(isLast && query.rest);
    const tried: UpstreamNode[] = [];
    let choice = choices[index] as NodeChoice;
    const retryOn = (group: 'writer' | 'reader', reason: string): void => {
      metrics.upstreamRetries.inc({ node: choice.node.name, reason });
      choice = cluster.pick(group, step.decision.identity, { exclude: tried });
      choices[index] = choice;
      output.setHeader('x-chgate-upstream', choices.map((each) => each?.node.name ?? '-').join(', '));
    };
    const sameGroup = step.decision.target === 'writer' ? 'writer' : 'reader';
    // ClickHouse keeps running a query whose HTTP client went away: kill it on the node that runs it.
    const killOnClientGone = (): void => killQuery(choice, decoded.queryId);
    output.signal.addEventListener('abort', killOnClientGone, { once: true });
    try {
      for (let attempt = 0; ; attempt++) {
        const mayRetry = attempt === 0 && canResend && !output.signal.aborted;
        tried.push(choice.node);
        const sent = await sendStatement(step, choice, decoded, query, isLast, output.signal);
        if (!sent.ok) {
          if (mayRetry && isRetryableFailure(sent.failure.kind, isRead)) {
            retryOn(sameGroup, sent.failure.kind);
            continue;
          }
          throw sent.failure.error;
        }
        const upstream = sent.upstream;
        metrics.upstreamRequests.inc({ node: choice.node.name, status: String(upstream.statusCode) });
        if (upstream.statusCode !== 200) {
          const errorBody = await readBounded(upstream.body, maxErrorBodyBytes);
          const isWriterOnlyTable = choice.node.role === 'reader' && isUnknownTableError(upstream.headers, errorBody);
          if (mayRetry && isRead && cluster.retryUnknownTableOnWriter && isWriterOnlyTable) {
            retryOn('writer', 'unknown-table');
            continue;
          }
          return { kind: 'failed', upstream, errorBody };
        }
        try {
          const { endedWithException } = await output.forwardBody(upstream, {
            // A write's end must not reach the client before its invalidation: no Content-Length for writes.
            isOnlyStatement: plan.length === 1 && isRead,
            onChunk: fill ? (chunk) => fill.push(chunk) : undefined,
          });
          return { kind: 'streamed', upstream, node: choice.node, endedWithException };
        } catch (error) {
          if (mayRetry && isRead && !output.isStarted) {
            retryOn(sameGroup, 'socket');
            continue;
          }
          throw error;
        }
      }
    } finally {
      output.signal.removeEventListener('abort', killOnClientGone);
    }
  }

  function killQuery(choice: NodeChoice, queryId: string): void {
    metrics.killedQueries.inc({ reason: 'client-gone' });
    const sql = `KILL QUERY WHERE query_id = '${queryId.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
    sendAsBackendUser(choice, sql)
      .then((response) => response.body.resume())
      .catch((error: unknown) => deps.logger.warn('KILL QUERY failed', { node: choice.node.name, error: String(error) }));
  }

  async function sendStatement(
    step: PlannedStatement,
    choice: NodeChoice,
    request: DecodedRequest,
    query: QueryHead,
    isLast: boolean,
    signal: AbortSignal,
  ): Promise<{ ok: true; upstream: UpstreamResponse } | { ok: false; failure: UpstreamFailure }> {
    const params = new URLSearchParams(request.params);
    params.delete('no_cache');
    applySessionParams(params, step.session);
    if (step.database !== undefined) params.set('database', step.database);
    for (const [name, value] of step.settings) params.set(name, value);

    const statementBytes = query.head.subarray(step.slice.start, isLast && query.rest ? undefined : step.slice.end);
    let body: Buffer | Readable | null = statementBytes;
    if (request.method === 'GET' || request.isBodyOpaque) {
      // GET keeps ClickHouse's own read-only semantics; opaque bodies need the query in the URL.
      params.set('query', statementBytes.toString('utf8'));
      body = isLast && request.isBodyOpaque ? query.rest : null;
    } else if (isLast && query.rest) {
      body = Readable.from(concatStream(statementBytes, query.rest), { objectMode: false });
    }

    const headers = { ...request.forwardHeaders, ...backendUserHeaders(choice.credentials) };
    const { node } = choice;
    try {
      const headersTimeoutMs = step.decision.identity === 'read' ? node.readHeadersTimeoutMs : undefined;
      const upstream = await node.request({ method: request.method, path: `/?${params.toString()}`, headers, body, signal, headersTimeoutMs });
      // A 5xx that ClickHouse did not send (every ClickHouse response names its server) is the node failing;
      // ClickHouse's own errors are about the query, and prove the node alive.
      if (upstream.statusCode >= 500 && upstream.headers['x-clickhouse-server-display-name'] === undefined) node.health?.reportFailure('http-5xx');
      else node.health?.reportSuccess();
      return { ok: true, upstream };
    } catch (error) {
      const failure = describeUpstreamFailure(error, node.name);
      metrics.upstreamErrors.inc({ node: node.name, kind: failure.kind });
      if (failure.kind === 'connect' || failure.kind === 'timeout' || failure.kind === 'socket') node.health?.reportFailure(failure.kind);
      return { ok: false, failure };
    }
  }
}

async function* concatStream(first: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  yield first;
  for await (const chunk of rest) yield chunk as Buffer;
}
