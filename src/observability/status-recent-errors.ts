/**
 * The last failed requests, for the status page: a fixed ring, newest first when read. What is kept cannot carry a
 * secret: the statement's fingerprint (literals replaced by `?`) and the error's name and code, never SQL text,
 * an error message or a credential.
 */
import { isFailedRequest, shortenFingerprint, type RequestObserver, type RequestRecord } from './request-record.js';

export interface RecentError {
  at: string;
  requestId: string;
  user: string;
  clientAddress: string;
  status: number;
  /** chgate's own error; absent when ClickHouse's answer passed through (its status says what kind). */
  error?: { name: string; code: number };
  /** ClickHouse's exception code when its error answer passed through. */
  clickhouseCode?: number;
  /** The first statement's fingerprint, cut to 200 characters; empty when the request failed before it was split. */
  fingerprint: string;
  statements: number;
  nodes: string[];
}

export interface RecentErrors {
  readonly observe: RequestObserver;
  list(): RecentError[];
}

const FINGERPRINT_CHARS = 200;

export function createRecentErrors(options: { capacity?: number; now?: () => number } = {}): RecentErrors {
  const capacity = options.capacity ?? 50;
  const now = options.now ?? Date.now;
  const ring: (RecentError | undefined)[] = new Array(capacity).fill(undefined);
  let next = 0;
  return {
    observe(record: RequestRecord) {
      if (!isFailedRequest(record)) return;
      const fingerprint = record.statements[0]?.fingerprint ?? '';
      ring[next] = {
        at: new Date(now()).toISOString(),
        requestId: record.requestId,
        user: record.user,
        clientAddress: record.clientAddress,
        status: record.status,
        ...(record.error ? { error: { name: record.error.name, code: record.error.code } } : {}),
        ...(record.clickhouseErrorCode !== undefined ? { clickhouseCode: record.clickhouseErrorCode } : {}),
        fingerprint: shortenFingerprint(fingerprint, FINGERPRINT_CHARS),
        statements: record.statements.length,
        nodes: [...record.upstreamNodes],
      };
      next = (next + 1) % capacity;
    },
    list() {
      const newestFirst: RecentError[] = [];
      for (let step = 1; step <= capacity; step++) {
        const item = ring[(next - step + capacity) % capacity];
        if (item) newestFirst.push(item);
      }
      return newestFirst;
    },
  };
}
