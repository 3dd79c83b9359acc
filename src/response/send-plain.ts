import type { ServerResponse } from 'node:http';
import { type ChgateError, formatErrorBody } from '../errors/error-catalogue.js';

/**
 * An error chgate answers outside the query pipeline (admin, /metrics, /status, unknown paths) in ClickHouse's format.
 * `status` overrides the error's own (a 414 for QUERY_IS_TOO_LARGE from the URL); `headers` adds to it
 * (WWW-Authenticate).
 */
export function sendError(response: ServerResponse, error: ChgateError, options: { status?: number; headers?: Record<string, string> } = {}): void {
  response.writeHead(options.status ?? error.status, {
    'content-type': 'text/plain; charset=UTF-8',
    'x-clickhouse-exception-code': String(error.code),
    ...options.headers,
  });
  response.end(formatErrorBody(error));
}

export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'no-store' });
  response.end(`${JSON.stringify(body)}\n`);
}
