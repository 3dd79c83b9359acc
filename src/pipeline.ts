import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { Authenticator } from './auth/create-authenticator.js';
import { ChgateError, toChgateError } from './errors/error-catalogue.js';
import type { Logger } from './log/create-logger.js';
import type { Metrics } from './metrics/create-metrics.js';
import { createClientResponse } from './response/client-response.js';
import { readBounded } from './response/read-bounded.js';
import type { PlannedStatement } from './routing/plan-body.js';
import { planRequest } from './routing/plan-request.js';
import { routeLabel } from './routing/decide-route.js';
import { decodeRequest, type DecodedRequest } from './server/decode-request.js';
import { decodeBodyStream, readQueryHead, type QueryHead } from './server/read-query-head.js';
import type { SqlClassifier } from './sql/create-sql-classifier.js';
import { describeUpstreamFailure } from './upstream/describe-upstream-failure.js';
import type { NodeChoice, UpstreamCluster } from './upstream/upstream-cluster.js';
import type { UpstreamResponse } from './upstream/upstream-node.js';

export interface PipelineDependencies {
  authenticator: Authenticator;
  classifier: SqlClassifier;
  clusters: ReadonlyMap<string, UpstreamCluster>;
  metrics: Metrics;
  logger: Logger;
  maxQueryHeadBytes: number;
}

const maxErrorBodyBytes = 1024 * 1024;

/** One ClickHouse HTTP query request, top to bottom: decode → auth → sql → routing → upstream → response. */
export function createPipeline(deps: PipelineDependencies) {
  return async function handleQuery(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const startedAt = performance.now();
    const output = createClientResponse(response);
    let userName = 'unauthenticated';
    try {
      const decoded = decodeRequest(request, url);
      output.setHeader('x-clickhouse-query-id', decoded.queryId);
      const user = deps.authenticator.authenticate(decoded.credentials, request.socket.remoteAddress ?? '');
      userName = user.name;
      const cluster = deps.clusters.get(user.cluster) as UpstreamCluster;

      const query = await readRequestQuery(request, decoded, deps.maxQueryHeadBytes);
      const plan = planRequest(query.head, query.rest === null || decoded.isBodyOpaque, deps.classifier, {
        hasHttpSession: decoded.params.has('session_id'),
      });
      const choices = plan.map((step) => (step.decision.target === 'local' ? undefined : cluster.pick(step.decision.target)));
      output.setHeader('x-chgate-route', plan.map((step) => routeLabel(step.decision)).join(', '));
      output.setHeader('x-chgate-upstream', choices.map((choice) => choice?.node.name ?? '-').join(', '));
      for (const step of plan) {
        deps.metrics.statements.inc({ route: step.classification.unknown ? 'unknown' : step.classification.route, target: step.decision.target, type: step.classification.type });
      }

      let lastUpstream: UpstreamResponse | undefined;
      const lastIndex = plan.length - 1;
      for (const [index, step] of plan.entries()) {
        const choice = choices[index];
        if (!choice) continue;
        const upstream = await sendStatement(step, choice, decoded, query, index === lastIndex, output.signal);
        deps.metrics.upstreamRequests.inc({ node: choice.node.name, status: String(upstream.statusCode) });
        lastUpstream = upstream;
        if (upstream.statusCode !== 200) {
          output.forwardError(upstream, await readBounded(upstream.body, maxErrorBodyBytes));
          return;
        }
        const { endedWithException } = await output.forwardBody(upstream, { isOnlyStatement: plan.length === 1 });
        if (endedWithException) break;
      }
      output.finish(lastUpstream);
    } catch (error) {
      const failure = toChgateError(error);
      deps.metrics.errors.inc({ error: failure.errorName });
      if (failure.errorName === 'INTERNAL_ERROR') deps.logger.error('request failed', { error: String(failure.cause) });
      output.fail(failure);
      discardRequestBody(request);
    } finally {
      response.once('close', () => {
        deps.metrics.requests.inc({ user: userName, status: String(response.statusCode) });
        deps.metrics.requestDuration.observe({ status: String(response.statusCode) }, (performance.now() - startedAt) / 1000);
      });
    }
  };

  async function sendStatement(
    step: PlannedStatement,
    choice: NodeChoice,
    request: DecodedRequest,
    query: QueryHead,
    isLast: boolean,
    signal: AbortSignal,
  ): Promise<UpstreamResponse> {
    const params = new URLSearchParams(request.params);
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

    const headers: Record<string, string> = {
      ...request.forwardHeaders,
      'x-clickhouse-user': choice.credentials.user,
      'x-clickhouse-key': choice.credentials.password,
    };
    try {
      return await choice.node.request({ method: request.method, path: `/?${params.toString()}`, headers, body, signal });
    } catch (error) {
      const failure = describeUpstreamFailure(error, choice.node.name);
      deps.metrics.upstreamErrors.inc({ node: choice.node.name, kind: failure.kind });
      throw failure.error;
    }
  }
}

async function readRequestQuery(request: IncomingMessage, decoded: DecodedRequest, limit: number): Promise<QueryHead> {
  if (decoded.method === 'GET') {
    request.resume();
    if (decoded.urlQuery === undefined) throw new ChgateError('SYNTAX_ERROR', 'Empty query');
    return readQueryHead(decoded.urlQuery, null, limit);
  }
  const body = decodeBodyStream(request);
  if (decoded.isBodyOpaque) {
    if (decoded.urlQuery === undefined) throw new ChgateError('BAD_ARGUMENTS', 'decompress=1 needs the query in the query URL parameter');
    const head = await readQueryHead(decoded.urlQuery, null, limit);
    return { head: head.head.subarray(0, head.head.length - 1), rest: body };
  }
  return readQueryHead(decoded.urlQuery, body, limit);
}

async function* concatStream(first: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  yield first;
  for await (const chunk of rest) yield chunk as Buffer;
}

/** What is left of a refused request's body is read and dropped so the connection can be reused. */
function discardRequestBody(request: IncomingMessage): void {
  if (request.complete) return;
  request.unpipe();
  request.resume();
}
