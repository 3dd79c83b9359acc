import { ChgateError } from '../errors/error-catalogue.js';

export type UpstreamFailureKind = 'connect' | 'timeout' | 'socket' | 'aborted' | 'overload' | 'other';

/**
 * Which failures may be sent again. A read changes nothing, so any failure before a response byte reached the
 * client can be retried elsewhere; a write only when it certainly never reached ClickHouse (no connection was
 * made), because ClickHouse may have applied it otherwise.
 */
export function isRetryableFailure(kind: UpstreamFailureKind, isRead: boolean): boolean {
  if (kind === 'connect') return true;
  return isRead && (kind === 'socket' || kind === 'timeout');
}

/**
 * A write failure after which nobody knows whether ClickHouse applied it: the request may have reached the server
 * (the connection broke or timed out after it was made, or failed in a way undici does not name). Only an INSERT
 * that ClickHouse deduplicates may be sent again after one of these.
 */
export function isAmbiguousWriteFailure(kind: UpstreamFailureKind): boolean {
  return kind === 'socket' || kind === 'timeout' || kind === 'other';
}

// UNKNOWN_STATUS_OF_INSERT: ClickHouse lost ZooKeeper while committing and says so ("client must retry");
// KEEPER_EXCEPTION: a ZooKeeper operation failed, possibly after the commit.
const ambiguousClickHouseCodes = new Set([319, 999]);

/**
 * A non-200 answer after which an INSERT may or may not have been applied: a 5xx that ClickHouse did not send
 * (every ClickHouse response names its server: this one came from something in between), or ClickHouse's own
 * "unknown status" errors. `code` is ClickHouse's error code when the body has one.
 */
export function isAmbiguousWriteResponse(status: number, sentByClickHouse: boolean, code: number | undefined): boolean {
  if (!sentByClickHouse) return status >= 500;
  return code !== undefined && ambiguousClickHouseCodes.has(code);
}

/** Turns an undici error into what the client is told and how the failure is counted. */
export interface UpstreamFailure {
  kind: UpstreamFailureKind;
  error: ChgateError;
}

/** The connection broke under a request (reset, closed by the node, a write to a closed socket). */
const socketFailureCodes = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

const errorCode = (error: unknown): string => (typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '');

/**
 * The request's connection broke: on a reused keep-alive socket, most often one the node had closed while idle,
 * which a request sent again on a fresh connection gets past.
 */
export function isSocketFailure(error: unknown): boolean {
  return socketFailureCodes.has(errorCode(error));
}

export function describeUpstreamFailure(error: unknown, node: string): UpstreamFailure {
  const code = errorCode(error);
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  const detail = error instanceof Error ? error.message : String(error);
  // The node's wait queue refused it (TOO_MANY_SIMULTANEOUS_QUERIES): already in ClickHouse's format, never sent.
  if (error instanceof ChgateError) return { kind: 'overload', error };
  if (name === 'AbortError' || code === 'UND_ERR_ABORTED') {
    return { kind: 'aborted', error: new ChgateError('NETWORK_ERROR', 'client closed the connection', { cause: error }) };
  }
  // CHGATE_NODE_CLOSED: the node left the config (SIGHUP) after it was picked; nothing was sent. A TLS handshake
  // or certificate failure also ends the connection before a byte of the request was written.
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENOTFOUND' || code === 'CHGATE_NODE_CLOSED' || isTlsSetupFailure(code)) {
    return {
      kind: 'connect',
      error: new ChgateError('ALL_CONNECTION_TRIES_FAILED', `cannot connect to ClickHouse node ${node}: ${detail}`, { cause: error }),
    };
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    return { kind: 'timeout', error: new ChgateError('TIMEOUT_EXCEEDED', `ClickHouse node ${node} did not answer in time`, { cause: error }) };
  }
  if (socketFailureCodes.has(code)) {
    return { kind: 'socket', error: new ChgateError('NETWORK_ERROR', `connection to ClickHouse node ${node} failed: ${detail}`, { cause: error }) };
  }
  return { kind: 'other', error: new ChgateError('NETWORK_ERROR', `request to ClickHouse node ${node} failed: ${detail}`, { cause: error }) };
}

// OpenSSL's certificate verification codes and Node's TLS setup errors.
const tlsVerificationCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'CERT_SIGNATURE_FAILURE',
  'HOSTNAME_MISMATCH',
]);

function isTlsSetupFailure(code: string): boolean {
  return tlsVerificationCodes.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('CHGATE_TLS_');
}
