import type { LogFields, Logger } from './create-logger.js';

/**
 * Warnings for a background task that retries every second or so (polling a node that is down): the first failure
 * is logged at once, then at most one line per `everyMs` while it keeps failing (with how long and how many were
 * left out), and one info line when it works again. Per key (a node's name), so one node does not hide another.
 */
export interface RepeatedFailureLog {
  /** `fields` name what failed (the node) and why; they go on every line. */
  failed(key: string, fields: LogFields): void;
  succeeded(key: string, fields?: LogFields): void;
}

export function createRepeatedFailureLog(
  logger: Logger,
  messages: { failing: string; recovered: string },
  options: { everyMs?: number; now?: () => number } = {},
): RepeatedFailureLog {
  const { everyMs = 60_000, now = Date.now } = options;
  const failing = new Map<string, { since: number; loggedAt: number; leftOut: number }>();
  return {
    failed(key, fields) {
      const at = now();
      const state = failing.get(key);
      if (!state) {
        failing.set(key, { since: at, loggedAt: at, leftOut: 0 });
        logger.warn(messages.failing, fields);
        return;
      }
      if (at - state.loggedAt < everyMs) {
        state.leftOut += 1;
        return;
      }
      logger.warn(messages.failing, { ...fields, failingForMs: at - state.since, failuresNotLogged: state.leftOut });
      state.loggedAt = at;
      state.leftOut = 0;
    },
    succeeded(key, fields = {}) {
      const state = failing.get(key);
      if (!state) return;
      failing.delete(key);
      logger.info(messages.recovered, { ...fields, failedForMs: now() - state.since });
    },
  };
}
