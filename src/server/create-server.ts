import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { ServerConfig } from '../config/config.js';
import { ChgateError, formatErrorBody } from '../errors/error-catalogue.js';
import type { Logger } from '../log/create-logger.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { sendError } from '../response/send-plain.js';

export type QueryHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/** What bounds one client: slow or oversized requests and too many connections (README "Hardening"). */
export type ServerLimits = Pick<ServerConfig, 'headersTimeoutMs' | 'requestTimeoutMs' | 'keepAliveTimeoutMs' | 'maxHeaderBytes' | 'maxUrlBytes' | 'maxConnections'>;

/** PEM contents, read by the caller (and read again on SIGHUP). */
export interface TlsKeyPair {
  cert: Buffer;
  key: Buffer;
}

export interface HttpServerDependencies {
  handleQuery: QueryHandler;
  handleAdmin: QueryHandler;
  /** GET /metrics; absent: not served on this listener (metrics.listen_port gives it one of its own). */
  handleMetrics?: QueryHandler | undefined;
  /** GET /status and /status.json; absent: not served on this listener. */
  handleStatus?: QueryHandler | undefined;
  metrics: Metrics;
  logger: Logger;
  limits: ServerLimits;
  /** Present: the listener speaks HTTPS with this certificate. */
  tls?: TlsKeyPair;
}

/** The client-facing listener: ClickHouse's HTTP paths, plus /metrics. HTTPS when `deps.tls` is given. */
export function createHttpServer(deps: HttpServerDependencies): Server | HttpsServer {
  const { limits } = deps;
  const options: ServerOptions = {
    maxHeaderSize: limits.maxHeaderBytes,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // How often the two timeouts above are checked (Node's default, 30 s, would let a slow client stay that long).
    connectionsCheckingInterval: Math.max(100, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    // ClickHouse does not insist on Host; Node's own refusal would be a bare 400 outside ClickHouse's format.
    requireHostHeader: false,
  };
  const parseUrl = createUrlParser();
  const listener = (request: IncomingMessage, response: ServerResponse): void => handleRequest(deps, (server as LimitedServer)[currentLimits], parseUrl, request, response);
  const server = deps.tls
    ? // A TLS handshake is bounded like the headers that follow it.
      createHttpsServer({ ...options, cert: deps.tls.cert, key: deps.tls.key, handshakeTimeout: limits.headersTimeoutMs }, listener)
    : createServer(options, listener);
  applyServerLimits(server, limits);
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
  // Connections over max_connections are closed by Node as soon as they are accepted; say so, at most once a minute.
  let dropped = 0;
  let lastDropWarning = 0;
  server.on('drop', () => {
    dropped += 1;
    if (Date.now() - lastDropWarning < 60_000) return;
    lastDropWarning = Date.now();
    deps.logger.warn('client connections refused: server.max_connections reached', { maxConnections: server.maxConnections, refusedSinceLastWarning: dropped });
    dropped = 0;
  });
  return server;
}

// The limits of the moment, on the server object, so a reload reaches the request handler too.
const currentLimits = Symbol('chgate server limits');
type LimitedServer = (Server | HttpsServer) & { [currentLimits]: ServerLimits };

/** The limits a reload may change on a listening server (max_header_bytes is fixed at creation). */
export function applyServerLimits(server: Server | HttpsServer, limits: ServerLimits): void {
  (server as LimitedServer)[currentLimits] = limits;
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
}

/** Parsed request URLs are shared read-only: nothing may change a URL it is handed (decodeRequest copies the parameters). */
type UrlParser = (rawUrl: string) => URL;

/**
 * Dashboards send the same few URLs again and again; parsing one and its parameters costs more than the cache hit
 * it leads to. So parsed URLs are kept, a bounded number, except those with a query_id (new in every request).
 */
function createUrlParser(maxKept = 1_000, maxKeptLength = 2_048): UrlParser {
  let kept = new Map<string, URL>();
  return (rawUrl) => {
    const known = kept.get(rawUrl);
    if (known) return known;
    const url = new URL(rawUrl, 'http://chgate');
    if (rawUrl.length <= maxKeptLength && !rawUrl.includes('query_id=')) {
      // Full: start over rather than track recency on every request.
      if (kept.size >= maxKept) kept = new Map();
      kept.set(rawUrl, url);
    }
    return url;
  };
}

function handleRequest(deps: HttpServerDependencies, limits: ServerLimits, parseUrl: UrlParser, request: IncomingMessage, response: ServerResponse): void {
  const rawUrl = request.url ?? '/';
  if (Buffer.byteLength(rawUrl) > limits.maxUrlBytes) {
    // ClickHouse's code for a query too large, with HTTP's status for a URL too long.
    return refuse(request, response, new ChgateError('QUERY_IS_TOO_LARGE', `the URL is longer than server.max_url_bytes (${limits.maxUrlBytes} bytes)`), 414);
  }
  let url: URL;
  try {
    url = parseUrl(rawUrl);
  } catch {
    return refuse(request, response, new ChgateError('BAD_ARGUMENTS', 'malformed request URL'));
  }
  const route = url.pathname;
  if (route === '/ping' && (request.method === 'GET' || request.method === 'HEAD')) {
    response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
    response.end('Ok.\n');
    return;
  }
  const handler = handlerFor(deps, route, request.method);
  if (handler) {
    handler(request, response, url).catch((error: unknown) => {
      deps.logger.error('unhandled request failure', { error: String(error) });
      if (!response.headersSent) sendError(response, new ChgateError('INTERNAL_ERROR', 'internal error'));
      else response.destroy();
    });
    return;
  }
  request.resume();
  sendError(response, new ChgateError('NOT_FOUND', `there is no handler for ${route}: use / for queries, /ping, /metrics`));
}

/** The handler of a path on this listener; undefined: there is none (404). */
function handlerFor(deps: HttpServerDependencies, route: string, method: string | undefined): QueryHandler | undefined {
  if (route === '/') return deps.handleQuery;
  if (route.startsWith('/admin/')) return deps.handleAdmin;
  if (route === '/metrics' && method === 'GET') return deps.handleMetrics;
  if (route === '/status' || route === '/status.json') return deps.handleStatus;
  return undefined;
}

/** Refused before the body was looked at: the connection closes, so an unread body cannot be taken for a request. */
function refuse(request: IncomingMessage, response: ServerResponse, error: ChgateError, status = error.status): void {
  response.shouldKeepAlive = false;
  request.resume();
  sendError(response, error, { status });
}

/** Bytes that are not HTTP, headers too large or too slow: answered in ClickHouse's format, then the connection closes. */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // A response already under way cannot be followed by another one.
  const responding = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage?.headersSent === true;
  if (!socket.writable || responding || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, chgateError] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', new ChgateError('TIMEOUT_EXCEEDED', 'the request was not received within server.headers_timeout_ms or server.request_timeout_ms')]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', new ChgateError('BAD_ARGUMENTS', 'the request line and headers exceed server.max_header_bytes')]
        : [400, 'Bad Request', new ChgateError('BAD_ARGUMENTS', `malformed HTTP request: ${error.message}`)];
  const body = formatErrorBody(chgateError);
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: text/plain; charset=UTF-8\r\nx-clickhouse-exception-code: ${chgateError.code}\r\n` +
      `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
  // A client that does not read its answer does not keep the socket.
  setTimeout(() => socket.destroy(), 1_000).unref();
}

