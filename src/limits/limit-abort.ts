import type { ChgateError } from '../errors/error-catalogue.js';

/** Why chgate killed a query on ClickHouse: chgate_killed_queries_total{reason}. */
export type KillReason = 'client-gone' | 'timeout' | 'result-bytes';

/**
 * The reason a request's signal carries when a limit stops it (not the client going away): the statement runner
 * kills the query as it does for a gone client, and the client is told `error`.
 */
export class LimitAbort {
  constructor(
    readonly killReason: Exclude<KillReason, 'client-gone'>,
    readonly error: ChgateError,
  ) {}
}

export function killReasonOf(signal: AbortSignal): KillReason {
  return signal.reason instanceof LimitAbort ? signal.reason.killReason : 'client-gone';
}
