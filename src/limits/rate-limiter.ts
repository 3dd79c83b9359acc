/** Requests per minute per key (a proxy user), as a token bucket. */
export interface RateLimiter {
  /** Takes one request's token under `key`; false (nothing taken) when the key's bucket is empty. */
  tryTake(key: string, perMinute: number, now?: number): boolean;
  /** Whether a token is there now, without taking it. */
  hasToken(key: string, perMinute: number, now?: number): boolean;
  /** Milliseconds until the key's next token. */
  msUntilToken(key: string, perMinute: number, now?: number): number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * A bucket holds up to `perMinute` tokens (a burst of a minute's worth) and refills continuously at perMinute / 60 s,
 * so a client that keeps to the rate is never refused and one that bursts is held to it. Keys are proxy user names
 * (a bounded set from the config); a reload that changes the rate applies at once, the bucket's level is kept.
 */
export function createRateLimiter(): RateLimiter {
  const buckets = new Map<string, Bucket>();

  const refill = (key: string, perMinute: number, now: number): Bucket => {
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { tokens: perMinute, updatedAt: now };
      buckets.set(key, bucket);
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(perMinute, bucket.tokens + (elapsed * perMinute) / 60_000);
    bucket.updatedAt = now;
    return bucket;
  };

  return {
    tryTake(key, perMinute, now = Date.now()) {
      const bucket = refill(key, perMinute, now);
      if (bucket.tokens < 1) return false;
      bucket.tokens -= 1;
      return true;
    },
    hasToken(key, perMinute, now = Date.now()) {
      return refill(key, perMinute, now).tokens >= 1;
    },
    msUntilToken(key, perMinute, now = Date.now()) {
      const bucket = refill(key, perMinute, now);
      return bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) * 60_000) / perMinute);
    },
  };
}
