import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from './auth/create-authenticator.js';
import { extractCredentials } from './auth/extract-credentials.js';
import type { FastHitTemplate, QueryCache } from './cache/create-query-cache.js';
import { ChgateError } from './errors/error-catalogue.js';
import type { RequestLimits } from './limits/create-request-limits.js';
import type { Metrics } from './metrics/create-metrics.js';
import type { RecordedStatement, RequestObserver } from './observability/request-record.js';
import { isFastPathCandidate, requestSignature } from './server/request-signature.js';
import { LruCache } from './sql/lru-cache.js';
import type { UpstreamCluster } from './upstream/upstream-cluster.js';

/**
 * The cache-hit fast path. A dashboard sends the same few requests again and again; the full pipeline decodes,
 * splits, classifies, routes and decides caching for each, which costs several times what serving the bytes does.
 * So the first time a request's read is found cacheable, the pipeline remembers what it decided under the request's
 * signature (user, method, URL without query_id, the headers that matter, body). A later identical request that
 * finds its entry in the memory tier is answered from here; anything else (a miss, a table being written or
 * mutated, a version not in memory) goes the full way, with the body already read.
 */
export interface HitFastPath {
  /** Serves a remembered hit, or reads the small body for the full pipeline to use. Never throws. */
  tryServe(request: IncomingMessage, response: ServerResponse, url: URL, startedAt: number): Promise<FastPathOutcome>;
  /** The full pipeline found this request's read cacheable: remember it under the request's signature. */
  remember(signature: string, template: FastHitTemplate, facts: RememberedFacts): void;
}

export type FastPathOutcome =
  | { served: true }
  /** `body`: the whole body, already read (undefined for GET and requests not read here). */
  | { served: false; signature: string | undefined; body: Buffer | undefined; readError?: ChgateError };

export interface RememberedFacts {
  userName: string;
  /** The read's record for request observers, as the full pipeline made it (route `read`). */
  statement: RecordedStatement;
  /** The user's cluster and its read user when the key was made: a config reload may change either. */
  cluster: string;
  backendUser: string;
}

interface RememberedRead {
  template: FastHitTemplate;
  userName: string;
  statements: readonly RecordedStatement[];
  cluster: string;
  backendUser: string;
  count: { inc(): void };
  hitCount: { inc(): void };
  statementCount: { inc(): void };
  duration: { observe(value: number): void };
  hitDuration: { observe(value: number): void };
}

export interface HitFastPathDependencies {
  authenticator: Authenticator;
  cache: QueryCache;
  clusters: ReadonlyMap<string, UpstreamCluster>;
  metrics: Metrics;
  /** Bodies up to this size are read here; larger ones stream through the full pipeline. */
  maxBodyBytes: number;
  maxRemembered?: number;
  /** Per-user limits that apply to cache hits (README "Limits"): a hit takes no concurrency slot. */
  limits?: Pick<RequestLimits, 'admitFastHit'>;
  /** Sees every request served here, like the full pipeline's. */
  observeRequest?: RequestObserver | undefined;
}

export function createHitFastPath(deps: HitFastPathDependencies): HitFastPath {
  const { authenticator, cache, metrics, maxBodyBytes } = deps;
  // Bounded by count and by text held (a signature and a key prefix each hold the statement).
  const remembered = new LruCache<string, RememberedRead>(deps.maxRemembered ?? 10_000, 32 * 1024 * 1024);
  const requestDuration = metrics.requestDuration.labels({ status: '200' });
  const hitDuration = metrics.cacheHitDuration.labels({ path: 'fast' });
  const fastHits = metrics.deferred.count(metrics.cacheFastHits);

  return {
    async tryServe(request, response, url, startedAt) {
      if (!isFastPathCandidate(request, maxBodyBytes)) return { served: false, signature: undefined, body: undefined };
      let body: Buffer | undefined;
      if (request.method === 'POST') {
        try {
          body = await readWholeBody(request);
        } catch (error) {
          return { served: false, signature: undefined, body: undefined, readError: error as ChgateError };
        }
      }
      const credentials = extractCredentials(request.headers, url.searchParams);
      const remoteAddress = request.socket.remoteAddress ?? '';
      let user = authenticator.authenticateKnown(credentials, remoteAddress, request.headers['x-forwarded-for']);
      if (!user) {
        try {
          user = await authenticator.authenticate(credentials, remoteAddress, request.headers['x-forwarded-for']);
        } catch (error) {
          // The full pipeline answers with this error: checking the password again there would cost a second scrypt.
          return { served: false, signature: undefined, body, readError: error as ChgateError };
        }
      }
      const signature = requestSignature(user.name, request, url, body);
      const read = remembered.get(signature);
      const isSameBackend = read !== undefined && read.cluster === user.cluster && deps.clusters.get(user.cluster)?.readUser === read.backendUser;
      const hit = isSameBackend ? cache.tryFastHit(read.template) : undefined;
      if (!read || !hit) return { served: false, signature, body };
      // requests_per_minute counts hits too; a refused one goes the full way, which answers with the right error.
      if (deps.limits && !deps.limits.admitFastHit(user.name, body?.length ?? 0)) return { served: false, signature, body };

      const { entry } = hit;
      const requestId = url.searchParams.get('query_id') || randomUUID();
      const bytesBefore = request.socket.bytesWritten;
      const headers: string[] = [];
      for (const name in entry.headers) headers.push(name, entry.headers[name] as string);
      headers.push(
        'x-clickhouse-query-id', requestId,
        'x-chgate-route', 'read',
        'x-cache', 'HIT',
        'age', String(hit.ageSeconds),
        'x-chgate-upstream', 'cache',
        'content-length', String(entry.body.length),
      );
      response.writeHead(200, headers);
      response.end(entry.body);
      fastHits.inc();
      read.statementCount.inc();
      read.hitCount.inc();
      read.count.inc();
      const seconds = (performance.now() - startedAt) / 1000;
      read.duration.observe(seconds);
      read.hitDuration.observe(seconds);
      deps.observeRequest?.({
        requestId,
        user: read.userName,
        clientAddress: request.socket.remoteAddress ?? '',
        statements: read.statements,
        cache: 'hit',
        upstreamNodes: [],
        status: 200,
        durationMs: seconds * 1000,
        // Counted at once: bytesWritten includes what is still buffered for the socket.
        bytesSent: request.socket.bytesWritten - bytesBefore,
        fastPath: true,
        upstreamHeaders: entry.headers,
      });
      return { served: true };
    },

    remember(signature, template, facts) {
      remembered.set(
        signature,
        {
          template,
          userName: facts.userName,
          statements: [facts.statement],
          cluster: facts.cluster,
          backendUser: facts.backendUser,
          count: metrics.deferred.count(metrics.requests, { user: facts.userName, status: '200', route: 'read' }),
          hitCount: metrics.deferred.count(metrics.cacheRequests, { user: facts.userName, result: 'hit', reason: '' }),
          // Served here only when the full path would send the read to a replica (no write in the lag window).
          statementCount: metrics.deferred.count(metrics.statements, { route: 'read', target: 'reader', type: facts.statement.type }),
          duration: requestDuration,
          hitDuration,
        },
        signature.length + template.keyPrefix.length,
      );
    },
  };
}

function readWholeBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
    });
    request.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length)));
    request.once('error', (error) => reject(new ChgateError('NETWORK_ERROR', `cannot read the request body: ${error.message}`, { cause: error })));
  });
}
