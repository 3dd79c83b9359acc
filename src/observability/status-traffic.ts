/**
 * Request rate, errors and cache hit ratio over the last minute, for the status page: a ring of per-second counters
 * fed by the request observer (O(1) per request: the bucket of the current second, cleared when its second comes
 * round again), summed only when the page asks.
 */
import { isFailedRequest, type RequestObserver } from './request-record.js';

export const TRAFFIC_WINDOW_SECONDS = 60;

interface SecondBucket {
  second: number;
  requests: number;
  errors: number;
  hits: number;
  misses: number;
  bypasses: number;
  totalMs: number;
}

export interface TrafficSummary {
  /** Seconds the figures cover: the window, or less right after start. */
  windowSeconds: number;
  requests: number;
  errors: number;
  cacheHits: number;
  cacheMisses: number;
  cacheBypasses: number;
  requestsPerSecond: number;
  /** hits / (hits + misses) over the window: null when the cache was not asked. */
  hitRatio: number | null;
  avgDurationMs: number | null;
  /** Requests in each second of the window, oldest first (the current, partial second last). */
  perSecond: number[];
}

export interface TrafficWindow {
  readonly observe: RequestObserver;
  summary(): TrafficSummary;
}

export function createTrafficWindow(options: { now?: () => number } = {}): TrafficWindow {
  const now = options.now ?? Date.now;
  const startedSecond = Math.floor(now() / 1000);
  const buckets: SecondBucket[] = Array.from({ length: TRAFFIC_WINDOW_SECONDS }, () => ({ second: -1, requests: 0, errors: 0, hits: 0, misses: 0, bypasses: 0, totalMs: 0 }));

  const bucketOf = (second: number): SecondBucket => {
    const bucket = buckets[second % TRAFFIC_WINDOW_SECONDS] as SecondBucket;
    if (bucket.second !== second) {
      bucket.second = second;
      bucket.requests = 0;
      bucket.errors = 0;
      bucket.hits = 0;
      bucket.misses = 0;
      bucket.bypasses = 0;
      bucket.totalMs = 0;
    }
    return bucket;
  };

  return {
    observe(record) {
      const bucket = bucketOf(Math.floor(now() / 1000));
      bucket.requests += 1;
      bucket.totalMs += record.durationMs;
      if (isFailedRequest(record)) bucket.errors += 1;
      if (record.cache === 'hit') bucket.hits += 1;
      else if (record.cache === 'miss') bucket.misses += 1;
      else if (record.cache === 'bypass') bucket.bypasses += 1;
    },
    summary() {
      const current = Math.floor(now() / 1000);
      const windowSeconds = Math.max(1, Math.min(TRAFFIC_WINDOW_SECONDS, current - startedSecond + 1));
      const total = { requests: 0, errors: 0, hits: 0, misses: 0, bypasses: 0, totalMs: 0 };
      const perSecond: number[] = [];
      for (let second = current - windowSeconds + 1; second <= current; second++) {
        const bucket = buckets[second % TRAFFIC_WINDOW_SECONDS] as SecondBucket;
        const live = bucket.second === second;
        perSecond.push(live ? bucket.requests : 0);
        if (!live) continue;
        total.requests += bucket.requests;
        total.errors += bucket.errors;
        total.hits += bucket.hits;
        total.misses += bucket.misses;
        total.bypasses += bucket.bypasses;
        total.totalMs += bucket.totalMs;
      }
      const lookups = total.hits + total.misses;
      return {
        windowSeconds,
        requests: total.requests,
        errors: total.errors,
        cacheHits: total.hits,
        cacheMisses: total.misses,
        cacheBypasses: total.bypasses,
        requestsPerSecond: total.requests / windowSeconds,
        hitRatio: lookups === 0 ? null : total.hits / lookups,
        avgDurationMs: total.requests === 0 ? null : total.totalMs / total.requests,
        perSecond,
      };
    },
  };
}
