import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CacheFill, QueryCache } from '../cache/create-query-cache.js';
import { ChgateError } from '../errors/error-catalogue.js';
import { killReasonOf, type KillReason } from '../limits/limit-abort.js';
import type { Logger } from '../log/create-logger.js';
import type { Metrics } from '../metrics/create-metrics.js';
import type { ClientResponse } from '../response/client-response.js';
import { readBounded } from '../response/read-bounded.js';
import type { PlannedStatement } from '../routing/plan-body.js';
import type { DecodedRequest } from '../server/decode-request.js';
import type { QueryHead } from '../server/read-query-head.js';
import { applyRuleSettings } from '../rules/rule-settings.js';
import { sqlStringLiteral } from '../sql/names.js';
import { applySessionParams } from '../session/session-params.js';
import { backendUserHeaders } from '../upstream/backend-user-headers.js';
import { sendAsBackendUser } from '../upstream/backend-user.js';
import { clickHouseErrorCode, isCompressionRefused, isUnknownTableError } from '../upstream/clickhouse-error-code.js';
import {
  describeUpstreamFailure,
  isAmbiguousWriteFailure,
  isAmbiguousWriteResponse,
  isRetryableFailure,
  type UpstreamFailure,
} from '../upstream/describe-upstream-failure.js';
import type { NodeChoice, UpstreamCluster } from '../upstream/upstream-cluster.js';
import type { UpstreamNode, UpstreamResponse } from '../upstream/upstream-node.js';
import { compressUpstream, headersForBody } from '../response/compress-upstream.js';
import { decodeContent } from '../response/decode-content.js';
import type { ProxyEncoding } from '../response/negotiate-encoding.js';
import { bufferInsertBody } from './buffer-insert-body.js';
import { createDedupTables } from './dedup-tables.js';
import { callsNonDeterministicFunction, findDedupInsertTarget } from './insert-dedup.js';

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
  /**
   * Compression chgate chose for a client that sent Accept-Encoding (README "Compression"): `clickhouse`, ClickHouse
   * was asked for it (enable_http_compression=1), so an error answer, which ClickHouse compresses too, goes to the
   * client decoded, as it would have without chgate's asking; `chgate`, outputs are compressed here.
   */
  compression?: { by: 'clickhouse'; whenRefused: ChgateCompression | undefined } | ChgateCompression | undefined;
}

/**
 * Compression made by chgate. As the fallback of a `clickhouse` choice (ClickHouse refused the setting), the same
 * encoding when chgate makes it, else none: the cache key already names the encoding the client was promised.
 */
export type ChgateCompression = { by: 'chgate'; encoding: ProxyEncoding; brotliQuality: number };

type StatementOutcome =
  | { kind: 'streamed'; upstream: UpstreamResponse; node: UpstreamNode; endedWithException: boolean }
  /** `errorBody` as it goes to the client; `decodedErrorBody` as chgate reads it (decoded when it can be). */
  | { kind: 'failed'; upstream: UpstreamResponse; errorBody: Buffer; decodedErrorBody: Buffer };

const maxErrorBodyBytes = 1024 * 1024;
/**
 * Deduplicated resends of one INSERT after failures that left its fate unknown. Each is safe (the same block is
 * dropped), but only while the table's deduplication window still holds the first attempt's block: a few, within
 * write_retry_wait_ms. More than one because a resend can meet the writer still dying, or dying again.
 */
const maxDedupResends = 3;

/**
 * Runs a planned body against the upstream nodes: statements in order, outputs streamed to the client, writes
 * invalidating the cache around them, safe retries, and KILL QUERY when the client goes away.
 */
export function createStatementRunner(deps: StatementRunnerDependencies) {
  const { cache, metrics } = deps;
  // Engines change only by DDL: through chgate that clears these at once, otherwise they are asked again after
  // 30 s. An INSERT waits for a lookup at most 2 s (then it is sent without a deduplicated resend).
  const dedupTables = createDedupTables({ ttlMs: 30_000, timeoutMs: 2_000 });
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
          // DDL may have changed whether a table deduplicates repeated INSERTs.
          if (changesData && !completed && step.classification.type !== 'insert') dedupTables.forget();
          completed = true;
        };
        if (changesData) await cache?.invalidateFor(step.classification, database, 'start');
        try {
          const outcome = await runStatement(step, index, plan, choices, context, fill);
          lastUpstream = outcome.upstream;
          if (outcome.kind === 'failed') {
            await complete();
            output.forwardError(outcome.upstream, outcome.errorBody, outcome.decodedErrorBody);
            return lastUpstream;
          }
          if (fill) {
            const servedByWriter = outcome.node.role === 'writer';
            const replicaCaughtUpToMs = outcome.node.health?.caughtUpToMs();
            void fill
              .finish({ status: outcome.upstream.statusCode, headers: outcome.upstream.headers, cutOff: false, servedByWriter, replicaCaughtUpToMs })
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
   * One statement, sent again when that is safe: a read that failed before any byte reached the client (once, to
   * another node), a read of a table only the writer has (on a writer), a write that certainly never reached
   * ClickHouse (on a writer, waiting up to write_retry_wait_ms for one to take the connection), and an INSERT that
   * ClickHouse deduplicates after a failure that leaves its fate unknown (same bytes, same settings, a few times).
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
    const { writeRetry } = cluster;
    const statementLength = isLast && query.rest ? query.head.length - step.slice.start : step.slice.end - step.slice.start;
    // INSERT data past the head: kept in memory when the whole body fits the retry limit, else streamed once.
    const rest =
      isLast && query.rest && !isRead && statementLength < writeRetry.insertMaxBodyBytes
        ? await bufferInsertBody(query.rest, writeRetry.insertMaxBodyBytes - statementLength)
        : undefined;
    const body = rest?.kind === 'buffered' ? rest.data : rest?.kind === 'streaming' ? rest.stream : isLast ? query.rest : null;
    // A streamed body cannot be sent twice.
    const canResend = !(body instanceof Readable);
    const tried: UpstreamNode[] = [];
    let choice = choices[index] as NodeChoice;
    const switchTo = (next: NodeChoice, reason: string): void => {
      metrics.upstreamRetries.inc({ node: choice.node.name, reason });
      choice = next;
      choices[index] = choice;
      output.setHeader('x-chgate-upstream', choices.map((each) => each?.node.name ?? '-').join(', '));
    };
    // A statement that carries a session to its node (temporary tables live there) is retried on that node only.
    const staysOnNode = step.session === 'pins' || step.session === 'pinned';
    const retryOn = (group: 'writer' | 'reader', reason: string): void =>
      switchTo(staysOnNode ? choice : cluster.pick(group, step.decision.identity, { exclude: tried }), reason);
    const sameGroup = step.decision.target === 'writer' ? 'writer' : 'reader';
    const dedup = await prepareDedupResend(step, cluster, choice, decoded, query, body, writeRetry.insertMaxBodyBytes);
    // A write sent again waits for a writer until this deadline, set by its first failure; pauses grow from 100 ms.
    let deadline: number | undefined;
    let pauseMs = 0;
    /** Whether to send the write again, after a pause unless this is its first retry (or `pause`). */
    const mayWaitForWriter = async (pause = false): Promise<boolean> => {
      deadline ??= Date.now() + writeRetry.waitMs;
      if (tried.length > 1 || pause) {
        pauseMs = Math.min(1_000, pauseMs === 0 ? 100 : pauseMs * 2);
        if (Date.now() + pauseMs > deadline) return false;
        try {
          await sleep(pauseMs, undefined, { signal: output.signal });
        } catch {
          return false;
        }
      }
      return !output.signal.aborted;
    };
    // Set once an attempt may have reached ClickHouse: the client's error must then say the write may be applied.
    let mayBeApplied = false;
    // Always after a pause: a resend at once meets a writer that is still dying (accepted, then reset).
    const resendDeduplicated = async (): Promise<boolean> => {
      mayBeApplied = true;
      if (!dedup || dedup.resends >= maxDedupResends || !dedup.isSafe() || !(await mayWaitForWriter(true))) return false;
      dedup.resends += 1;
      switchTo(staysOnNode ? choice : await dedup.pickWriter(tried), 'insert-dedup');
      return true;
    };
    const writeError = (error: ChgateError): ChgateError =>
      mayBeApplied ? new ChgateError(error.errorName, `${error.message}; the write may have been applied`, { cause: error.cause }) : error;
    // ClickHouse keeps running a query whose HTTP client went away: kill it on the node that runs it.
    // The signal aborts too when a limit stops the query (max_execution_time_ms, max_result_bytes): killed the same way.
    const killOnClientGone = (): void => killQuery(choice, decoded.queryId, killReasonOf(output.signal));
    output.signal.addEventListener('abort', killOnClientGone, { once: true });
    try {
      for (let attempt = 0; ; attempt++) {
        const mayRetry = attempt === 0 && canResend && !output.signal.aborted;
        tried.push(choice.node);
        const sent = await sendStatement(step, choice, decoded, query, body, isLast, output.signal);
        if (!sent.ok) {
          const { kind, error } = sent.failure;
          if (isRead) {
            if (mayRetry && isRetryableFailure(kind, true)) {
              retryOn(sameGroup, kind);
              continue;
            }
            throw error;
          }
          if (kind === 'connect' && canResend && (await mayWaitForWriter())) {
            if (dedup && dedup.resends > 0 && !staysOnNode) switchTo(await dedup.pickWriter(tried), kind);
            else retryOn('writer', kind);
            await dedup?.refresh(choice);
            continue;
          }
          if (isAmbiguousWriteFailure(kind) && (await resendDeduplicated())) continue;
          throw writeError(error);
        }
        let upstream = sent.upstream;
        metrics.upstreamRequests.inc({ node: choice.node.name, status: String(upstream.statusCode) });
        if (upstream.statusCode !== 200) {
          const received = await readBounded(upstream.body, maxErrorBodyBytes);
          // What ClickHouse said, decoded when it compressed its error too (identity comes back as received).
          const errorBody = decodeContent(upstream.headers['content-encoding'], received, maxErrorBodyBytes) ?? received;
          const isWriterOnlyTable = choice.node.role === 'reader' && isUnknownTableError(upstream.headers, errorBody);
          if (mayRetry && isRead && cluster.retryUnknownTableOnWriter && isWriterOnlyTable) {
            retryOn('writer', 'unknown-table');
            continue;
          }
          const sentByClickHouse = upstream.headers['x-clickhouse-server-display-name'] !== undefined;
          const code = clickHouseErrorCode(upstream.headers, errorBody);
          if (mayRetry && context.compression?.by === 'clickhouse' && isCompressionRefused(code, errorBody)) {
            // A readonly = 1 read user may set nothing: the same node again, without the setting; chgate compresses.
            decoded.params.delete('enable_http_compression');
            delete decoded.forwardHeaders['accept-encoding'];
            context.compression = context.compression.whenRefused;
            cluster.noteCompressionRefused();
            switchTo(choice, 'compression-refused');
            continue;
          }
          if (!isRead && isAmbiguousWriteResponse(upstream.statusCode, sentByClickHouse, code) && (await resendDeduplicated())) continue;
          // Compressed only because chgate asked: the client gets it as ClickHouse would have sent it otherwise.
          if (context.compression?.by === 'clickhouse' && errorBody !== received) {
            return { kind: 'failed', upstream: { ...upstream, headers: headersForBody(upstream.headers, undefined) }, errorBody, decodedErrorBody: errorBody };
          }
          return { kind: 'failed', upstream, errorBody: received, decodedErrorBody: errorBody };
        }
        const { compression } = context;
        if (compression?.by === 'chgate') upstream = compressUpstream(upstream, compression.encoding, compression.brotliQuality);
        const forwardedBefore = output.bodyBytesForwarded;
        try {
          const { endedWithException } = await output.forwardBody(upstream, {
            // A write's end must not reach the client before its invalidation: no Content-Length for writes.
            isOnlyStatement: plan.length === 1 && isRead,
            onChunk: fill ? (chunk) => fill.push(chunk) : undefined,
            // A node that dies between a read's first chunk and its end is then replaced before the client sees any.
            holdBack: isRead && mayRetry ? cluster.readFailoverBuffer : undefined,
          });
          return { kind: 'streamed', upstream, node: choice.node, endedWithException };
        } catch (error) {
          // Nothing of this answer reached the client (earlier statements' output may have): another node can give it.
          if (mayRetry && isRead && output.bodyBytesForwarded === forwardedBefore && !output.signal.aborted) {
            retryOn(sameGroup, 'socket');
            continue;
          }
          if (isRead || output.isStarted) throw error;
          // ClickHouse answers a write once it is done, so one whose answer broke after the status most likely ran:
          // a deduplicated resend makes that certain (the client has seen nothing yet), else it is told it may have.
          if (await resendDeduplicated()) continue;
          throw error instanceof ChgateError ? writeError(error) : error;
        }
      }
    } finally {
      output.signal.removeEventListener('abort', killOnClientGone);
    }
  }

  /**
   * What a deduplicated resend of this statement needs, when it may have one: an INSERT of inline rows whose whole
   * body is in memory within the limit, into a table that the chosen writer says deduplicates (asked before the
   * INSERT is sent, while the writer is up; answers are cached). Undefined otherwise.
   */
  async function prepareDedupResend(
    step: PlannedStatement,
    cluster: UpstreamCluster,
    first: NodeChoice,
    decoded: DecodedRequest,
    query: QueryHead,
    body: Buffer | Readable | null,
    maxBodyBytes: number,
  ) {
    if (body instanceof Readable || decoded.isBodyOpaque || !step.slice.data) return undefined;
    const dataStart = step.slice.data.start;
    const dataEnd = body ? query.head.length : step.slice.end;
    if (dataEnd - step.slice.start + (body?.length ?? 0) > maxBodyBytes) return undefined;
    const target = findDedupInsertTarget(step, decoded.params);
    if (!target) return undefined;
    // What `table` says holds for `origin` only: each writer is asked for itself (a failed lookup is asked again).
    let origin = first;
    let table = await dedupTables.lookUp(first, target);
    return {
      resends: 0,
      /** Before an attempt on `choice`: what it says about the table, unless already known. */
      async refresh(choice: NodeChoice): Promise<void> {
        if (choice.node === origin.node && (table.deduplicates || table.reason !== 'unknown')) return;
        table = await dedupTables.lookUp(choice, target);
        origin = choice;
      },
      /** Rows whose values ClickHouse would compute anew (`VALUES (now())`) make the second attempt another block. */
      isSafe: () =>
        table.deduplicates &&
        !callsNonDeterministicFunction(query.head.toString('latin1', dataStart, dataEnd)) &&
        !(body && callsNonDeterministicFunction(body.toString('latin1'))),
      /**
       * The writer for the resend: one the balancer offers if it holds the same replicated table (ClickHouse keeps
       * the block hashes per ZooKeeper path), else the writer of the failed attempt again, whenever it comes back.
       */
      async pickWriter(tried: readonly UpstreamNode[]): Promise<NodeChoice> {
        const next = cluster.pick('writer', 'write', { exclude: tried });
        if (next.node === origin.node || !table.deduplicates) return origin;
        const there = await dedupTables.lookUp(next, target);
        return there.deduplicates && there.zookeeperPath === table.zookeeperPath ? next : origin;
      },
    };
  }

  function killQuery(choice: NodeChoice, queryId: string, reason: KillReason): void {
    metrics.killedQueries.inc({ reason });
    const sql = `KILL QUERY WHERE query_id = ${sqlStringLiteral(queryId)}`;
    sendAsBackendUser(choice, sql, { urgent: true })
      .then((response) => response.body.resume())
      .catch((error: unknown) => deps.logger.warn('KILL QUERY failed', { node: choice.node.name, error: String(error) }));
  }

  async function sendStatement(
    step: PlannedStatement,
    choice: NodeChoice,
    request: DecodedRequest,
    query: QueryHead,
    rest: Buffer | Readable | null,
    isLast: boolean,
    signal: AbortSignal,
  ): Promise<{ ok: true; upstream: UpstreamResponse } | { ok: false; failure: UpstreamFailure }> {
    const params = new URLSearchParams(request.params);
    params.delete('no_cache');
    applySessionParams(params, step.session);
    if (step.database !== undefined) params.set('database', step.database);
    for (const [name, value] of step.settings) params.set(name, value);
    applyRuleSettings(params, step.rules?.settings?.action);

    const statementBytes = query.head.subarray(step.slice.start, isLast && rest ? undefined : step.slice.end);
    let body: Buffer | Readable | null = statementBytes;
    if (request.method === 'GET' || request.isBodyOpaque) {
      // GET keeps ClickHouse's own read-only semantics; opaque bodies need the query in the URL.
      params.set('query', statementBytes.toString('utf8'));
      body = isLast && request.isBodyOpaque ? rest : null;
    } else if (isLast && rest) {
      // Held in memory: the very same bytes on every attempt, so ClickHouse forms the same blocks.
      body = rest instanceof Readable ? Readable.from(concatStream(statementBytes, rest), { objectMode: false }) : Buffer.concat([statementBytes, rest]);
    }

    const headers = { ...request.forwardHeaders, ...backendUserHeaders(choice.credentials) };
    const { node } = choice;
    try {
      const headersTimeoutMs = step.decision.identity === 'read' ? node.readHeadersTimeoutMs : undefined;
      const sentAt = performance.now();
      const upstream = await node.request({ method: request.method, path: `/?${params.toString()}`, headers, body, signal, headersTimeoutMs });
      metrics.upstreamDuration.observe({ node: node.name }, (performance.now() - sentAt) / 1000);
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
