import { ChgateError } from '../errors/error-catalogue.js';

export type UpstreamFailureKind = 'connect' | 'timeout' | 'socket' | 'aborted' | 'other';

/**
 * Which failures may be sent again. A read changes nothing, so any failure before a response byte reached the
 * client can be retried elsewhere; a write only when it certainly never reached ClickHouse (no connection was
 * made), because ClickHouse may have applied it otherwise.
 */
export function isRetryableFailure(kind: UpstreamFailureKind, isRead: boolean): boolean {
  if (kind === 'connect') return true;
  return isRead && (kind === 'socket' || kind === 'timeout');
}

/** Turns an undici error into what the client is told and how the failure is counted. */
export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  error: ChgateError;
}

export function describeUpstreamFailure(error: unknown, node: string): UpstreamFailure {
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  const detail = error instanceof Error ? error.message : String(error);
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') {
    return { kind: 'aborted', error: new ChgateError('NETWORK_ERROR', 'client closed the connection', { cause: error }) };
  }
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND') {
    return {
      kind: 'connect',
      error: new ChgateError('ALL_CONNECTION_TRIES_FAILED', `cannot connect to ClickHouse node ${node}: ${detail}`, { cause: error }),
    };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'timeout', error: new ChgateError('TIMEOUT_EXCEEDED', `ClickHouse node ${node} did not answer in time`, { cause: error }) };
  }
  if (code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE') {
    return { kind: 'socket', error: new ChgateError('NETWORK_ERROR', `connection to ClickHouse node ${node} failed: ${detail}`, { cause: error }) };
  }
  return { kind: 'other', error: new ChgateError('NETWORK_ERROR', `request to ClickHouse node ${node} failed: ${detail}`, { cause: error }) };
}
