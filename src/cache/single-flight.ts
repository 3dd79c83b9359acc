/**
 * Concurrent identical misses: the first caller for a key leads (goes upstream, streams to its own client while
 * copying), the others follow: they wait, bounded, for the leader's outcome. An outcome is the stored value, or
 * undefined when the leader stored nothing (too large, an error, an exception, it gave up): followers then go
 * upstream on their own. The outcome is handed over directly, so followers get the very bytes the leader stored
 * even if the store evicted them meanwhile.
 */
export type FlightRole<T> =
  | { role: 'leader'; settle(outcome: T | undefined): void }
  | { role: 'follower'; wait(): Promise<FollowerResult<T>> };

export type FollowerResult<T> = { kind: 'settled'; outcome: T | undefined } | { kind: 'timeout' };

export interface SingleFlight<T> {
  join(key: string): FlightRole<T>;
  /** Flights in progress. */
  readonly size: number;
}

interface Flight<T> {
  startedAtMs: number;
  outcome: Promise<T | undefined>;
  settle(outcome: T | undefined): void;
}

export interface SingleFlightOptions {
  /** How long a follower waits. A flight older than this no longer takes followers: the next caller leads anew. */
  waitMs: number;
  now?: () => number;
}

export function createSingleFlight<T>(options: SingleFlightOptions): SingleFlight<T> {
  const { waitMs, now = Date.now } = options;
  const flights = new Map<string, Flight<T>>();

  const lead = (key: string): FlightRole<T> => {
    let resolve!: (outcome: T | undefined) => void;
    const outcome = new Promise<T | undefined>((r) => (resolve = r));
    const flight: Flight<T> = {
      startedAtMs: now(),
      outcome,
      settle(value) {
        resolve(value);
        // A leader that outlived its flight must not end the one that replaced it.
        if (flights.get(key) === flight) flights.delete(key);
      },
    };
    flights.set(key, flight);
    let settled = false;
    return {
      role: 'leader',
      settle(value) {
        if (settled) return;
        settled = true;
        flight.settle(value);
      },
    };
  };

  const follow = (flight: Flight<T>): FlightRole<T> => ({
    role: 'follower',
    async wait() {
      const remaining = Math.max(0, flight.startedAtMs + waitMs - now());
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<FollowerResult<T>>((resolve) => {
        timer = setTimeout(() => resolve({ kind: 'timeout' }), remaining);
      });
      try {
        return await Promise.race([flight.outcome.then((outcome): FollowerResult<T> => ({ kind: 'settled', outcome })), timeout]);
      } finally {
        clearTimeout(timer);
      }
    },
  });

  // Leaders that never settled (a bug elsewhere) are forgotten once stale, so the map cannot grow without bound.
  // At most every waitMs / 2: with a thousand flights legitimately in progress, a sweep per join would be O(n²).
  let nextSweepAtMs = 0;
  const sweepStale = (): void => {
    const nowMs = now();
    if (nowMs < nextSweepAtMs) return;
    nextSweepAtMs = nowMs + waitMs / 2;
    const cutoff = nowMs - waitMs;
    for (const [key, flight] of flights) if (flight.startedAtMs <= cutoff) flights.delete(key);
  };

  return {
    join(key) {
      if (flights.size >= 1024) sweepStale();
      const flight = flights.get(key);
      if (flight && now() - flight.startedAtMs < waitMs) return follow(flight);
      return lead(key);
    },
    get size() {
      return flights.size;
    },
  };
}
