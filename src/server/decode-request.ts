import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { ChgateError } from '../errors/error-catalogue.js';
import { extractCredentials, type ClientCredentials } from '../auth/extract-credentials.js';

/** A ClickHouse HTTP request as chgate understands it, before any SQL is looked at. */
export interface DecodedRequest {
  method: 'GET' | 'POST';
  credentials: ClientCredentials;
  /** The `query` URL parameter, if any: ClickHouse runs it joined with the body by a newline. */
  urlQuery: string | undefined;
  /**
   * Every other URL parameter, forwarded as is: settings, `param_*`, database, default_format, query_id...
   * Credentials are removed; X-ClickHouse-Database/-Format headers are folded in as parameters.
   */
  params: URLSearchParams;
  queryId: string;
  /** Request headers passed to ClickHouse unchanged (content negotiation only; never credentials). */
  forwardHeaders: Record<string, string>;
  /** `decompress=1`: the body is ClickHouse-compressed data, opaque to chgate. */
  isBodyOpaque: boolean;
}

const consumedParams = ['user', 'password', 'query'];
// Content-Type is not forwarded: chgate sends statements in the body, never form data.
const forwardedRequestHeaders = ['accept-encoding', 'x-clickhouse-quota'];

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

export function decodeRequest(request: IncomingMessage, url: URL): DecodedRequest {
  const method = request.method === 'GET' || request.method === 'HEAD' ? 'GET' : request.method === 'POST' ? 'POST' : undefined;
  if (!method) throw new ChgateError('UNSUPPORTED_METHOD', `HTTP method ${request.method ?? '?'} is not supported: use GET or POST`);

  const params = new URLSearchParams(url.searchParams);
  const credentials = extractCredentials(request.headers, params);
  const urlQuery = params.get('query') ?? undefined;
  for (const name of consumedParams) params.delete(name);

  // ClickHouse 18.16 ignores these headers; every version honours the parameters, and the header wins as in
  // newer servers.
  const headerDatabase = headerValue(request.headers, 'x-clickhouse-database');
  if (headerDatabase) params.set('database', headerDatabase);
  const headerFormat = headerValue(request.headers, 'x-clickhouse-format');
  if (headerFormat) params.set('default_format', headerFormat);

  let queryId = params.get('query_id');
  if (!queryId) {
    queryId = randomUUID();
    params.set('query_id', queryId);
  }

  const forwardHeaders: Record<string, string> = {};
  for (const name of forwardedRequestHeaders) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) forwardHeaders[name] = value;
  }

  return { method, credentials, urlQuery, params, queryId, forwardHeaders, isBodyOpaque: params.get('decompress') === '1' };
}
