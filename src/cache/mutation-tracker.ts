/**
 * Mutations (ALTER ... UPDATE / DELETE, lightweight DELETE / UPDATE) return before ClickHouse has rewritten the
 * data: reads see old rows, then a mix, then the new rows. While a table has one in flight its reads are not
 * stored, and when the last one finishes the table is invalidated again (`onDone`).
 *
 * The poller reads `system.mutations` (columns `database`, `table`, `is_done`: the same on 18.16 and current
 * servers) through a function the pipeline provides: no HTTP in src/cache. A table is done when a poll that began
 * at least `settleMs` after the table was last marked lists no unfinished mutation for it: a replicated table's
 * mutation may reach system.mutations a moment after the ALTER returns. Polls run only while something is tracked.
 * A failed poll keeps everything tracked (reads stay uncached: safe).
 */
import { parseTableRows } from './tsv-table-rows.js';

export interface MutationTracker {
  /** Resolved names. Marking again restarts the settle time. */
  markMutationStarted(tables: readonly string[]): void;
  isMutating(table: string): boolean;
  readonly trackedTables: readonly string[];
  /** One poll now (the timer calls this). */
  pollOnce(): Promise<void>;
  stop(): void;
}

export const unfinishedMutationsQuery = 'SELECT database, table FROM system.mutations WHERE is_done = 0 FORMAT TabSeparated';

export interface MutationTrackerOptions {
  /** Runs a read-only query on the writer and resolves to the body; rejects on failure. */
  queryWriter: (sql: string) => Promise<string>;
  intervalMs: number;
  /** Defaults to intervalMs. */
  settleMs?: number;
  /** Tables whose mutations are all done; invalidate them. */
  onDone: (tables: string[]) => Promise<void> | void;
  onError?: (error: unknown) => void;
  now?: () => number;
}

/** `db.table` for each row of `SELECT database, table ... FORMAT TabSeparated`. */
export function parseMutationRows(body: string): Set<string> {
  return new Set(parseTableRows(body).keys());
}

export function createMutationTracker(options: MutationTrackerOptions): MutationTracker {
  const { queryWriter, intervalMs, settleMs = intervalMs, onDone, onError = () => {}, now = Date.now } = options;
  /** Table → when it was last marked (or last seen running). */
  const tracked = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;
  let stopped = false;

  const schedule = (): void => {
    if (stopped || timer || tracked.size === 0) return;
    timer = setTimeout(() => {
      timer = undefined;
      void pollOnce().finally(schedule);
    }, intervalMs);
    timer.unref();
  };

  const poll = async (): Promise<void> => {
    const startedAt = now();
    let running: Set<string>;
    try {
      running = parseMutationRows(await queryWriter(unfinishedMutationsQuery));
    } catch (error) {
      onError(error);
      return;
    }
    const done: string[] = [];
    for (const [table, markedAt] of tracked) {
      if (!running.has(table) && startedAt - markedAt >= settleMs) done.push(table);
    }
    // Mutations started elsewhere are followed too while we are polling anyway.
    for (const table of running) tracked.set(table, startedAt);
    for (const table of done) tracked.delete(table);
    if (done.length > 0) {
      try {
        await onDone(done);
      } catch (error) {
        onError(error);
      }
    }
  };

  const pollOnce = (): Promise<void> => {
    polling ??= poll().finally(() => (polling = undefined));
    return polling;
  };

  return {
    markMutationStarted(tables) {
      const at = now();
      for (const table of tables) tracked.set(table, at);
      schedule();
    },
    isMutating: (table) => tracked.has(table),
    get trackedTables() {
      return [...tracked.keys()].sort();
    },
    pollOnce,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
