import type { CacheConfig } from './cache-config.js';
import type { QueryCache } from './create-query-cache.js';
import { createExternalChangeWatcher, type ExternalChange, type ExternalChangeWatcher, type WriterTarget } from './external-changes.js';
import { createSchemaDependencies, type SchemaDependencySource } from './schema-dependencies-learner.js';
import type { ClassifySelect } from './schema-dependencies.js';

/** What chgate learns about ClickHouse beyond its own writes: the dependency graph and external changes. */
export interface ChangeTracking {
  /** For openQueryCache's `schema` option; undefined when cache.learn_dependencies is off. */
  readonly schema: SchemaDependencySource | undefined;
  /**
   * Reads the graph and polls every writer once (each bounded by `startWaitMs`, so a writer that does not answer
   * cannot hold up the start: the graph is then untrusted and the first poll that succeeds invalidates
   * everything it lists), then starts the timers.
   */
  start(cache: Pick<QueryCache, 'invalidateExternal'>): Promise<void>;
  /** Stops the timers; resolves once a poll in progress has ended (before the cache closes under it). */
  close(): Promise<void>;
}

export interface ChangeTrackingHooks {
  onDependencyRefresh?(result: 'ok' | 'error', error?: unknown): void;
  onExternalPoll?(writer: string, result: 'ok' | 'error', error?: unknown): void;
  /** After the change was invalidated; `delayMs`: now minus the newest changed part's time, when known. */
  onExternalChange?(change: ExternalChange, delayMs: number | undefined): void;
}

export interface ChangeTrackingOptions {
  queryWriter: (sql: string) => Promise<string>;
  writers: () => readonly WriterTarget[];
  classify: ClassifySelect;
  hooks?: ChangeTrackingHooks;
  startWaitMs?: number;
  now?: () => number;
}

const bounded = (work: Promise<void>, ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void work.finally(() => {
      clearTimeout(timer);
      resolve();
    });
  });

export function createChangeTracking(config: CacheConfig, options: ChangeTrackingOptions): ChangeTracking {
  const { hooks = {}, startWaitMs = 3_000, now = Date.now } = options;
  // A disabled cache stays disabled until a restart (cache is restart-only): nothing to keep current.
  const schema =
    !config.enabled || config.learnDependencies === false
      ? undefined
      : createSchemaDependencies({
          queryWriter: options.queryWriter,
          classify: options.classify,
          refreshMs: config.dependenciesRefreshMs ?? 60_000,
          onRefresh: (result, error) => hooks.onDependencyRefresh?.(result, error),
        });
  const external = config.externalChanges;
  let watcher: ExternalChangeWatcher | undefined;

  return {
    schema,
    async start(cache) {
      if (schema) await bounded(schema.refresh(), startWaitMs);
      if (!config.enabled || !external?.enabled) return;
      watcher = createExternalChangeWatcher({
        writers: options.writers,
        intervalMs: external.intervalMs,
        rules: external,
        onPoll: (writer, result, error) => hooks.onExternalPoll?.(writer, result, error),
        onChange: async (change) => {
          // DDL: the graph first, so the bump reaches the dependents of a table that was just created or changed.
          if (change.schemaChanged) await schema?.refresh();
          await cache.invalidateExternal(change.changed, change.mutating);
          hooks.onExternalChange?.(change, change.newestPartAtMs === undefined ? undefined : Math.max(0, now() - change.newestPartAtMs));
        },
        now,
      });
      await bounded(watcher.pollOnce(), startWaitMs);
      watcher.start();
    },
    async close() {
      schema?.close();
      await watcher?.stop();
    },
  };
}
