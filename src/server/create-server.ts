import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ChgateError, formatErrorBody } from '../errors/error-catalogue.js';
import type { Logger } from '../log/create-logger.js';
import type { Metrics } from '../metrics/create-metrics.js';

export type QueryHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

export interface HttpServerDependencies {
  handleQuery: QueryHandler;
  handleAdmin: QueryHandler;
  metrics: Metrics;
  logger: Logger;
}

/** The client-facing listener: ClickHouse's HTTP paths, plus /metrics. */
export function createHttpServer(deps: HttpServerDependencies): Server {
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://chgate');
    const route = url.pathname;
    if (route === '/ping' && (request.method === 'GET' || request.method === 'HEAD')) {
      response.writeHead(200, { 'content-type': 'text/plain; charset=UTF-8' });
      response.end('Ok.\n');
      return;
    }
    if (route === '/metrics' && request.method === 'GET') {
      deps.metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
          response.end(text);
        },
        (error: unknown) => {
          deps.logger.error('metrics collection failed', { error: String(error) });
          sendPlainError(response, new ChgateError('INTERNAL_ERROR', 'metrics collection failed'));
        },
      );
      return;
    }
    const handler = route === '/' ? deps.handleQuery : route.startsWith('/admin/') ? deps.handleAdmin : undefined;
    if (handler) {
      handler(request, response, url).catch((error: unknown) => {
        deps.logger.error('unhandled request failure', { error: String(error) });
        if (!response.headersSent) sendPlainError(response, new ChgateError('INTERNAL_ERROR', 'internal error'));
        else response.destroy();
      });
      return;
    }
    request.resume();
    sendPlainError(response, new ChgateError('NOT_FOUND', `there is no handler for ${route}: use / for queries, /ping, /metrics`));
  });
  server.on('clientError', (error, socket) => {
    if (!socket.writable) return;
    const body = formatErrorBody(new ChgateError('BAD_ARGUMENTS', `malformed HTTP request: ${error.message}`));
    socket.end(`HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=UTF-8\r\nx-clickhouse-exception-code: 36\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
  return server;
}

function sendPlainError(response: ServerResponse, error: ChgateError): void {
  response.writeHead(error.status, {
    'content-type': 'text/plain; charset=UTF-8',
    'x-clickhouse-exception-code': String(error.code),
  });
  response.end(formatErrorBody(error));
}
