import { ChgateError } from '../errors/error-catalogue.js';

/** How many may run at once under one key, and how many may wait (first come, first served) and for how long. */
export interface ConcurrencyLimit {
  maxConcurrent: number;
  maxQueued: number;
  maxQueueWaitMs: number;
}

export type ConcurrencyRejection = 'full' | 'timeout';

export interface ConcurrencyLimiter {
  /**
   * A slot under `key`: at once when fewer than maxConcurrent hold one, else after waiting in the key's queue.
   * Rejects with TOO_MANY_SIMULTANEOUS_QUERIES when the queue is full or the wait exceeds maxQueueWaitMs (the
   * error's `rejection` says which), or with the signal's reason when it aborts while waiting. The release
   * function may be called more than once.
   */
  acquire(key: string, limit: ConcurrencyLimit, signal?: AbortSignal): Promise<() => void>;
  /** Running and waiting now under `key`. */
  stats(key: string): { running: number; queued: number };
}

export class ConcurrencyLimitError extends ChgateError {
  constructor(
    readonly rejection: ConcurrencyRejection,
    message: string,
  ) {
    super('TOO_MANY_SIMULTANEOUS_QUERIES', message);
  }
}

interface Waiter {
  grant(): void;
}

interface KeyState {
  running: number;
  queue: Waiter[];
}

/**
 * Semaphores with a bounded FIFO wait queue, one per key (a proxy user, a cluster). The limit is passed with every
 * acquire, so a config reload applies to the next request; slots already held are kept. Keys with nothing running
 * or waiting are forgotten, so the map holds only keys in use.
 */
export function createConcurrencyLimiter(): ConcurrencyLimiter {
  const states = new Map<string, KeyState>();

  const releaser = (key: string, state: KeyState): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = state.queue.shift();
      // The slot passes straight to the next waiter: running stays the same.
      if (next) next.grant();
      else {
        state.running -= 1;
        if (state.running === 0 && states.get(key) === state) states.delete(key);
      }
    };
  };

  return {
    acquire(key, limit, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      let state = states.get(key);
      if (!state) {
        state = { running: 0, queue: [] };
        states.set(key, state);
      }
      const current = state;
      if (current.running < limit.maxConcurrent && current.queue.length === 0) {
        current.running += 1;
        return Promise.resolve(releaser(key, current));
      }
      if (current.queue.length >= limit.maxQueued) {
        if (current.running === 0 && current.queue.length === 0) states.delete(key);
        return Promise.reject(
          new ConcurrencyLimitError(
            'full',
            `too many simultaneous queries for ${key}: ${current.running} running (max ${limit.maxConcurrent}) and ${current.queue.length} waiting (max ${limit.maxQueued})`,
          ),
        );
      }
      return new Promise((resolve, reject) => {
        const leave = (): void => {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          const index = current.queue.indexOf(waiter);
          if (index >= 0) current.queue.splice(index, 1);
          if (current.running === 0 && current.queue.length === 0 && states.get(key) === current) states.delete(key);
        };
        const waiter: Waiter = {
          grant() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve(releaser(key, current));
          },
        };
        const onAbort = (): void => {
          leave();
          reject(signal?.reason);
        };
        const timer = setTimeout(() => {
          leave();
          reject(new ConcurrencyLimitError('timeout', `too many simultaneous queries for ${key}: waited ${limit.maxQueueWaitMs} ms in the queue (max_queue_wait_ms)`));
        }, limit.maxQueueWaitMs);
        signal?.addEventListener('abort', onAbort, { once: true });
        current.queue.push(waiter);
      });
    },
    stats(key) {
      const state = states.get(key);
      return { running: state?.running ?? 0, queued: state?.queue.length ?? 0 };
    },
  };
}
