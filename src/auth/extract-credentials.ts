import type { IncomingHttpHeaders } from 'node:http';
import { ChgateError } from '../errors/error-catalogue.js';

export interface ClientCredentials {
  user: string;
  password: string;
  /** Where they came from, for logs: never the password itself. */
  source: 'headers' | 'basic' | 'params' | 'none';
}

function singleHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Credentials the way ClickHouse accepts them. Like ClickHouse, mixing X-ClickHouse-* headers, Basic auth and
 * URL parameters is refused rather than guessing which one the client meant.
 */
export function extractCredentials(headers: IncomingHttpHeaders, params: URLSearchParams): ClientCredentials {
  const headerUser = singleHeader(headers, 'x-clickhouse-user');
  const headerKey = singleHeader(headers, 'x-clickhouse-key');
  const authorization = singleHeader(headers, 'authorization');
  const paramUser = params.get('user');
  const paramPassword = params.get('password');

  const usesHeaders = headerUser !== undefined || headerKey !== undefined;
  const usesBasic = authorization !== undefined;
  const usesParams = paramUser !== null || paramPassword !== null;
  if ([usesHeaders, usesBasic, usesParams].filter(Boolean).length > 1) {
    throw new ChgateError(
      'AUTHENTICATION_FAILED',
      'invalid authentication: X-ClickHouse-User/Key headers, Basic authorization and user/password URL parameters cannot be combined',
    );
  }
  if (usesHeaders) return { user: headerUser || 'default', password: headerKey ?? '', source: 'headers' };
  if (usesBasic && authorization !== undefined) return parseBasic(authorization);
  if (usesParams) return { user: paramUser || 'default', password: paramPassword ?? '', source: 'params' };
  return { user: 'default', password: '', source: 'none' };
}

function parseBasic(authorization: string): ClientCredentials {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization);
  if (!match?.[1]) throw new ChgateError('AUTHENTICATION_FAILED', 'invalid Authorization header: only Basic is supported');
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const user = colon < 0 ? decoded : decoded.slice(0, colon);
  const password = colon < 0 ? '' : decoded.slice(colon + 1);
  return { user: user || 'default', password, source: 'basic' };
}
