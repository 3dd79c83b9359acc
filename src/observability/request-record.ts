/** Whether and how the cache answered a request. `off`: no cache lookup happened (cache disabled, a write, an error first). */
export type CacheResult = 'hit' | 'miss' | 'bypass' | 'off';

/**
 * What one finished request was, handed to every request observer (the access log, the query digest, the status
 * page) once the response has closed. Built from what the pipeline decided anyway: no extra work on the way.
 */
export interface RequestRecord {
  /** The query_id sent to ClickHouse and returned in X-ClickHouse-Query-Id. */
  readonly requestId: string;
  readonly user: string;
  /** The client's address as authentication saw it (the socket's peer; X-Forwarded-For is not trusted here). */
  readonly clientAddress: string;
  /** One entry per statement of the body, in order; empty when the request failed before it was planned. */
  readonly statements: readonly RecordedStatement[];
  readonly cache: CacheResult;
  /** Why a lookup bypassed the cache (x-cache-reason), when it did. */
  readonly cacheReason?: string;
  /** The node each statement was sent to ('-' for statements chgate answered itself); empty for cache hits. */
  readonly upstreamNodes: readonly string[];
  readonly status: number;
  /** ClickHouse error name and code when chgate answered with an error of its own (ACCESS_DENIED, ...). */
  readonly error?: { readonly name: string; readonly code: number };
  /** ClickHouse's exception code when its error answer passed through (X-ClickHouse-Exception-Code). */
  readonly clickhouseErrorCode?: number;
  readonly durationMs: number;
  /** Bytes written to the client's socket for this response, headers included. */
  readonly bytesSent: number;
  /** Served by the cache-hit fast path. */
  readonly fastPath: boolean;
  /** The response headers ClickHouse (or the cache entry) gave, lower-case names: X-ClickHouse-Summary and the like. */
  readonly upstreamHeaders?: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RecordedStatement {
  readonly type: string;
  /** read, write or session (decideRoute's label). */
  readonly route: string;
  /** Normalized text with literals as `?`. */
  readonly fingerprint: string;
}

export type RequestObserver = (record: RequestRecord) => void;

/** chgate refused or failed it, or ClickHouse answered with an error status. */
export const isFailedRequest = (record: RequestRecord): boolean => record.error !== undefined || record.status >= 400;

/** A fingerprint cut to `maxChars` (ending with `…` when cut): one huge IN list cannot bloat a line or a table. */
export const shortenFingerprint = (fingerprint: string, maxChars: number): string =>
  fingerprint.length > maxChars ? `${fingerprint.slice(0, maxChars)}…` : fingerprint;

/** Calls each observer; one that throws does not keep the others from seeing the record. */
export function combineRequestObservers(observers: readonly RequestObserver[], onError: (error: unknown) => void): RequestObserver | undefined {
  if (observers.length === 0) return undefined;
  if (observers.length === 1) {
    const [only] = observers as [RequestObserver];
    return (record) => {
      try {
        only(record);
      } catch (error) {
        onError(error);
      }
    };
  }
  return (record) => {
    for (const observer of observers) {
      try {
        observer(record);
      } catch (error) {
        onError(error);
      }
    }
  };
}
