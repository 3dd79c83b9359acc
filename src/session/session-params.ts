import type { SessionsConfig } from '../config/config.js';
import { ChgateError } from '../errors/error-catalogue.js';
import type { SessionMode } from '../routing/plan-body.js';

/** A request's HTTP session parameters, read as ClickHouse reads them. */
export interface SessionRequest {
  id: string;
  timeoutSeconds: number;
  /** `session_check=1`: the session must exist already. */
  check: boolean;
}

/** Undefined without `session_id` (ClickHouse ignores an empty one too). Throws INVALID_SESSION_TIMEOUT. */
export function readSessionRequest(params: URLSearchParams, config: SessionsConfig): SessionRequest | undefined {
  const id = params.get('session_id');
  if (!id) return undefined;
  const timeoutText = params.get('session_timeout');
  let timeoutSeconds = config.defaultTimeoutSeconds;
  if (timeoutText !== null) {
    // ClickHouse parses an unsigned integer and refuses anything else, or anything over its max_session_timeout.
    if (!/^\d{1,10}$/.test(timeoutText)) throw new ChgateError('INVALID_SESSION_TIMEOUT', `Invalid session timeout: '${timeoutText}'`);
    timeoutSeconds = Number(timeoutText);
    if (timeoutSeconds > config.maxTimeoutSeconds) {
      throw new ChgateError(
        'INVALID_SESSION_TIMEOUT',
        `Session timeout '${timeoutText}' is larger than sessions.max_timeout_seconds: ${config.maxTimeoutSeconds}`,
      );
    }
  }
  return { id, timeoutSeconds, check: params.get('session_check') === '1' };
}

const sessionParams = ['session_id', 'session_timeout', 'session_check'];

/**
 * The session parameters one statement carries to ClickHouse. Held: none, chgate applies the state itself. Pins: the
 * session, which ClickHouse creates if needed (no session_check: it does not know the session yet). Pinned: the
 * session, which must exist (session_check=1): a node that lost it (restarted) fails with SESSION_NOT_FOUND
 * instead of running without the session's temporary tables.
 */
export function applySessionParams(params: URLSearchParams, mode: SessionMode | undefined): void {
  if (mode === undefined) return;
  if (mode === 'held') {
    for (const name of sessionParams) params.delete(name);
  } else if (mode === 'pins') {
    params.delete('session_check');
  } else {
    params.set('session_check', '1');
  }
}
