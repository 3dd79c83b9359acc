import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Authenticator, AuthenticatedUser } from './auth/create-authenticator.js';
import { checkRights } from './auth/check-rights.js';
import type { CacheFill, CacheLookup, QueryCache } from './cache/create-query-cache.js';
import { ChgateError, toChgateError } from './errors/error-catalogue.js';
import { createStatementRunner, type StatementContext } from './execute/run-statements.js';
import { createHitFastPath, type FastPathOutcome } from './hit-fast-path.js';
import type { RequestLimits } from './limits/create-request-limits.js';
import type { Logger } from './log/create-logger.js';
import type { Metrics } from './metrics/create-metrics.js';
import { createClientResponse, type ClientResponse } from './response/client-response.js';
import { negotiateEncoding, proxyEncodings } from './response/negotiate-encoding.js';
import { routeLabel } from './routing/decide-route.js';
import { requestRoute, type RequestRoute } from './routing/request-route.js';
import type { PlannedStatement } from './routing/plan-body.js';
import { planRequestWithRules } from './routing/plan-request.js';
import type { CompiledRules } from './rules/compile-rules.js';
import { cacheRuleOf } from './rules/rule-cache.js';
import { paramsWithRuleSettings } from './rules/rule-settings.js';
import type { CacheResult, RecordedStatement, RequestObserver } from './observability/request-record.js';
import { decodeRequest, type DecodedRequest } from './server/decode-request.js';
import type { ResponseCompressionConfig, SessionsConfig } from './config/config.js';
import { openHttpSession, type HttpSession } from './session/http-session.js';
import type { SessionRegistry } from './session/session-registry.js';
import { findNestingProblem } from './server/check-query-nesting.js';
import { decodeBodyStream, readQueryHead, type QueryHead } from './server/read-query-head.js';
import type { SqlClassifier } from './sql/create-sql-classifier.js';
import type { UpstreamCluster } from './upstream/upstream-cluster.js';

export interface PipelineDependencies {
  authenticator: Authenticator;
  classifier: SqlClassifier;
  clusters: ReadonlyMap<string, UpstreamCluster>;
  /** Absent when the cache is disabled. */
  cache: QueryCache | undefined;
  metrics: Metrics;
  logger: Logger;
  maxQueryHeadBytes: number;
  /** Parenthesis depth refused before a node sees it (server.max_query_depth, read per request). */
  readonly maxQueryDepth: number;
  /** server.response_compression, read per request; absent: responses are never compressed by chgate's choice. */
  readonly responseCompression?: ResponseCompressionConfig;
  sessions: { registry: SessionRegistry; config: SessionsConfig };
  /** Per-user and per-cluster limits (README "Limits"). */
  limits: RequestLimits;
  /** The top-level `rules:`, compiled; absent when there are none. Restart-only, so the fast path's memo holds. */
  rules?: CompiledRules | undefined;
  /** Sees every finished request (access log, query digest, status page); absent when nothing listens. */
  observeRequest?: RequestObserver | undefined;
}

/** Bodies the hit fast path reads whole before deciding: a dashboard's SELECT, not INSERT data. */
const fastPathMaxBodyBytes = 64 * 1024;

/** One ClickHouse HTTP query request, top to bottom: decode → auth → sql → routing → cache → upstream → response. */
export function createPipeline(deps: PipelineDependencies) {
  const { cache, metrics } = deps;
  const runner = createStatementRunner(deps);
  const fastPath = cache && createHitFastPath({ ...deps, cache, maxBodyBytes: Math.min(fastPathMaxBodyBytes, deps.maxQueryHeadBytes) });
  // Classifications are shared (the classifier's cache), so are the records made of them: the access log keeps
  // the text of a statement's record, worked out once.
  const recordedStatements = new WeakMap<PlannedStatement['classification'], Partial<Record<RecordedStatement['route'], RecordedStatement>>>();

  return async function handleQuery(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const startedAt = performance.now();
    const socket = request.socket;
    const bytesBefore = socket.bytesWritten;
    const early: FastPathOutcome | undefined = fastPath && (await fastPath.tryServe(request, response, url, startedAt));
    if (early?.served) return;
    const output = createClientResponse(response);
    let userName = 'unauthenticated';
    let route: RequestRoute = 'unknown';
    let fill: CacheFill | undefined;
    let session: HttpSession | undefined;
    // For the request record.
    let requestId = '';
    let recorded: RecordedStatement[] = [];
    let cacheResult: CacheResult = 'off';
    let cacheReason: string | undefined;
    let upstreamNodes: string[] = [];
    let failure: ChgateError | undefined;
    let upstreamHeaders: Record<string, string | string[] | undefined> | undefined;
    try {
      const decoded = decodeRequest(request, url);
      output.setHeader('x-clickhouse-query-id', decoded.queryId);
      requestId = decoded.queryId;
      // After the query id is known: a login the fast path refused is logged and answered under its query id.
      if (early?.readError) throw early.readError;
      const user = await deps.authenticator.authenticate(decoded.credentials, request.socket.remoteAddress ?? '', request.headers['x-forwarded-for']);
      userName = user.name;
      // requests_per_minute and a declared body over max_body_bytes are refused here, before anything is read.
      const limited = deps.limits.admit(user, request);
      const cluster = deps.clusters.get(user.cluster) as UpstreamCluster;
      // session_id: locked until the response ends, as ClickHouse does; chgate holds its SET / USE state.
      session = openHttpSession(deps.sessions.registry, deps.sessions.config, user.name, decoded.params);

      const query = await readRequestQuery(request, decoded, deps.maxQueryHeadBytes, early?.body, limited.body);
      // Text that would crash ClickHouse's parser never reaches a node.
      const nestingProblem = findNestingProblem(query.head, deps.maxQueryDepth);
      if (nestingProblem !== undefined) throw new ChgateError('TOO_DEEP_RECURSION', nestingProblem);
      const planStartedAt = performance.now();
      const planned = planRequestWithRules(query.head, query.rest === null || decoded.isBodyOpaque, deps.classifier, {
        session: session?.start,
        database: decoded.params.get('database') ?? undefined,
        isRecentlyWritten: cache ? (classification, database) => cache.readsFromWriter(classification, database) : undefined,
      }, deps.rules && { compiled: deps.rules, proxyUser: user.name, onMatch: (rule, action) => metrics.ruleMatches.inc({ rule, action }) });
      // A rewrite rule may have changed the statements: what is sent is cut from the rewritten head.
      query.head = planned.head;
      const { plan } = planned;
      metrics.sqlParseDuration.observe((performance.now() - planStartedAt) / 1000);
      route = requestRoute(plan);
      if (deps.observeRequest) recorded = plan.map(recordStatement);
      // readonly / deny_ddl: the whole body is refused before any statement of it reaches ClickHouse.
      checkRights(user, plan);
      // Redis: the local window knows this instance's writes only; lookup asks Redis for single reads, this for the rest.
      if (cache?.sharedReadsFromWriter && (plan.length > 1 || session)) await routeSharedWritesToWriter(cache.sharedReadsFromWriter, plan, decoded.params.get('database') ?? undefined);
      const choices = plan.map((step) => (step.decision.target === 'local' ? undefined : cluster.pick(step.decision.target, step.decision.identity)));
      // Before the cache key is made: the encoding is part of what is asked for, and of the key.
      const compression = chooseResponseEncoding(decoded, plan, cluster);
      session?.placeStatements(plan, choices, cluster);
      output.setHeader('x-chgate-route', plan.map((step) => routeLabel(step.decision)).join(', '));
      countStatements(plan);

      const lookup = await lookUpCache(request, decoded, user, cluster, plan, output, compression?.by === 'chgate' ? compression.encoding : undefined);
      // With cache.store.kind redis the cache learns of writes through other instances in lookup, after routing:
      // a read of a table one of them wrote moments ago (or any cacheable read while Redis is unreachable) goes to
      // the writer, as one the local window had caught would have. A replica may not have that write yet.
      const only = plan.length === 1 && !session ? plan[0] : undefined;
      if (lookup?.readFromWriter && only?.decision.target === 'reader') {
        only.decision = { target: 'writer', reason: 'read-after-write', identity: 'read' };
        choices[0] = cluster.pick('writer', 'read');
      }
      if (lookup?.mode === 'bypass') {
        cacheResult = 'bypass';
        cacheReason = lookup.reason;
      }
      if (lookup?.mode === 'use' && cache) {
        const acquired = await cache.acquire(lookup);
        if (acquired.kind === 'hit') {
          // Seen twice: worth remembering for the fast path (a one-off query never takes room there).
          if (early?.signature !== undefined) {
            const statement = recordStatement(plan[0] as PlannedStatement);
            fastPath?.remember(early.signature, lookup.fastHit, { userName: user.name, statement, cluster: cluster.name, backendUser: cluster.readUser });
          }
          metrics.cacheRequests.inc({ user: user.name, result: 'hit', reason: '' });
          cacheResult = 'hit';
          upstreamHeaders = acquired.entry.headers;
          output.setHeader('x-chgate-upstream', 'cache');
          output.setHeader('x-cache', 'HIT');
          output.setHeader('age', String(acquired.ageSeconds));
          output.replay(acquired.entry.status, acquired.entry.headers, acquired.entry.body);
          metrics.cacheHitDuration.observe({ path: 'full' }, (performance.now() - startedAt) / 1000);
          return;
        }
        fill = acquired;
        cacheResult = 'miss';
        metrics.cacheRequests.inc({ user: user.name, result: 'miss', reason: '' });
        output.setHeader('x-cache', 'MISS');
      }
      upstreamNodes = choices.map((choice) => choice?.node.name ?? '-');
      output.setHeader('x-chgate-upstream', upstreamNodes.join(', '));

      // Concurrency slots, max_execution_time and max_result_bytes: limited.run waits, times and caps the statements.
      const lastUpstream = await limited.run(output, decoded.params, (limitedOutput) =>
        runner.runStatements(
          plan,
          choices,
          { cluster, decoded: session?.forward(decoded) ?? decoded, query, output: limitedOutput, onStatementRan: session?.noteRan, compression },
          fill,
        ),
      );
      fill = undefined;
      upstreamHeaders = lastUpstream?.headers;
      output.finish(lastUpstream);
    } catch (error) {
      failure = toChgateError(error);
      metrics.errors.inc({ error: failure.errorName });
      if (failure.errorName === 'INTERNAL_ERROR') deps.logger.error('request failed', { error: String(failure.cause) });
      output.fail(failure);
      discardRequestBody(request);
    } finally {
      fill?.abandon();
      session?.end();
      response.once('close', () => {
        metrics.requests.inc({ user: userName, status: String(response.statusCode), route });
        const seconds = (performance.now() - startedAt) / 1000;
        metrics.requestDuration.observe({ status: String(response.statusCode) }, seconds);
        deps.observeRequest?.({
          requestId,
          user: userName,
          clientAddress: socket.remoteAddress ?? '',
          statements: recorded,
          cache: cacheResult,
          ...(cacheReason !== undefined ? { cacheReason } : {}),
          upstreamNodes,
          status: response.statusCode,
          ...(failure ? { error: { name: failure.errorName, code: failure.code } } : clickhouseErrorOf(response)),
          durationMs: seconds * 1000,
          bytesSent: socket.bytesWritten - bytesBefore,
          fastPath: false,
          ...(upstreamHeaders ? { upstreamHeaders } : {}),
        });
      });
    }
  };

  /**
   * Compression for a client that sent Accept-Encoding but did not ask ClickHouse for it (README "Compression"):
   * ClickHouse is asked (enable_http_compression=1 with the chosen Accept-Encoding) when it makes an encoding the
   * client accepts, else chgate compresses. Only reads of single-statement bodies: compressed outputs of several
   * statements cannot be joined into one deflate or brotli stream, and writes answer nothing worth compressing. A
   * client that set enable_http_compression itself gets what it asked ClickHouse for, as before.
   */
  function chooseResponseEncoding(decoded: DecodedRequest, plan: readonly PlannedStatement[], cluster: UpstreamCluster): StatementContext['compression'] {
    const settings = deps.responseCompression;
    const acceptEncoding = decoded.forwardHeaders['accept-encoding'];
    if (!settings?.enabled || acceptEncoding === undefined || plan.length !== 1 || decoded.params.has('enable_http_compression')) return undefined;
    const only = plan[0] as PlannedStatement;
    if (decoded.isBodyOpaque || only.decision.target === 'local' || only.classification.route !== 'read' || only.classification.unknown) return undefined;
    const choice = negotiateEncoding(acceptEncoding, cluster.compressionEncodings);
    if (choice?.by === 'clickhouse') {
      decoded.params.set('enable_http_compression', '1');
      decoded.forwardHeaders['accept-encoding'] = choice.encoding;
      const madeByChgate = proxyEncodings.find((encoding) => encoding === choice.encoding);
      return { by: 'clickhouse', whenRefused: madeByChgate && { by: 'chgate', encoding: madeByChgate, brotliQuality: settings.brotliQuality } };
    }
    // ClickHouse is not asked to compress: it sends identity, and chgate compresses (when the client takes any).
    delete decoded.forwardHeaders['accept-encoding'];
    return choice && { by: 'chgate', encoding: choice.encoding, brotliQuality: settings.brotliQuality };
  }

  /** Shared by every request of the same statement and route (see recordedStatements). */
  function recordStatement(step: PlannedStatement): RecordedStatement {
    const { classification } = step;
    const route = routeLabel(step.decision);
    let byRoute = recordedStatements.get(classification);
    if (byRoute === undefined) {
      byRoute = {};
      recordedStatements.set(classification, byRoute);
    }
    return (byRoute[route] ??= { type: classification.type, route, fingerprint: classification.fingerprint });
  }

  function countStatements(plan: readonly PlannedStatement[]): void {
    for (const step of plan) {
      const { classification } = step;
      metrics.statements.inc({ route: classification.unknown ? 'unknown' : classification.route, target: step.decision.target, type: classification.type });
    }
  }

  async function lookUpCache(
    request: IncomingMessage,
    decoded: DecodedRequest,
    user: AuthenticatedUser,
    cluster: UpstreamCluster,
    plan: readonly PlannedStatement[],
    output: ClientResponse,
    proxyEncoding: string | undefined,
  ): Promise<CacheLookup | undefined> {
    if (!cache) return undefined;
    const lookup = await cache.lookup(
      {
        method: request.method ?? 'GET',
        // A settings rule changes the result (max_result_rows ...): its values are part of the key.
        params: plan.length === 1 ? paramsWithRuleSettings(decoded.params, plan[0]?.rules?.settings?.action) : decoded.params,
        rule: plan.length === 1 ? cacheRuleOf(plan[0]?.rules) : undefined,
        acceptEncoding: decoded.forwardHeaders['accept-encoding'],
        proxyEncoding,
        proxyUser: user.name,
        cluster: cluster.name,
        backendUser: cluster.readUser,
      },
      plan.map((step) => step.classification),
    );
    if (lookup.mode === 'bypass') {
      metrics.cacheRequests.inc({ user: user.name, result: 'bypass', reason: lookup.reason });
      output.setHeader('x-cache', 'BYPASS');
      output.setHeader('x-cache-reason', lookup.reason);
    }
    return lookup;
  }

}


/** `preread`: the whole body, when the fast path has read it already; `source`: the body to read instead of `request`. */
async function readRequestQuery(
  request: IncomingMessage,
  decoded: DecodedRequest,
  limit: number,
  preread: Buffer | undefined,
  source: Readable | undefined,
): Promise<QueryHead> {
  if (decoded.method === 'GET') {
    request.resume();
    if (decoded.urlQuery === undefined) throw new ChgateError('SYNTAX_ERROR', 'Empty query');
    return readQueryHead(decoded.urlQuery, null, limit);
  }
  const body = preread ? Readable.from([preread], { objectMode: false }) : decodeBodyStream(request, source);
  if (decoded.isBodyOpaque) {
    if (decoded.urlQuery === undefined) throw new ChgateError('BAD_ARGUMENTS', 'decompress=1 needs the query in the query URL parameter');
    const head = await readQueryHead(decoded.urlQuery, null, limit);
    return { head: head.head.subarray(0, head.head.length - 1), rest: body };
  }
  return readQueryHead(decoded.urlQuery, body, limit);
}

/**
 * Reads a replica would serve, of tables another chgate instance wrote within the lag window, go to the writer
 * instead: that replica may not have the write yet (read-your-writes across instances).
 */
async function routeSharedWritesToWriter(
  readsFromWriter: NonNullable<QueryCache['sharedReadsFromWriter']>,
  plan: readonly PlannedStatement[],
  requestDatabase: string | undefined,
): Promise<void> {
  const toReplicas = plan.filter((step) => step.decision.target === 'reader');
  const answers = await Promise.all(toReplicas.map((step) => readsFromWriter(step.classification, step.database ?? requestDatabase)));
  toReplicas.forEach((step, index) => {
    if (answers[index]) step.decision = { target: 'writer', reason: 'read-after-write', identity: 'read' };
  });
}

/** The exception code of an error answer ClickHouse gave and chgate passed on (not one after streaming began). */
function clickhouseErrorOf(response: ServerResponse): { clickhouseErrorCode?: number } {
  const code = Number(response.getHeader('x-clickhouse-exception-code'));
  return Number.isInteger(code) && code > 0 ? { clickhouseErrorCode: code } : {};
}

/** What is left of a refused request's body is read and dropped so the connection can be reused. */
function discardRequestBody(request: IncomingMessage): void {
  if (request.complete) return;
  request.unpipe();
  request.resume();
}
