import { buildSchemaGraph, parseSchemaRows, schemaTablesQuery, type ClassifySelect, type SchemaGraph } from './schema-dependencies.js';

/**
 * The learned dependency graph kept current: read from `system.tables` at start, every `refreshMs`, after every
 * DDL through chgate (the DDL's completion waits for it) and when the external-change watcher sees DDL.
 *
 * When the graph cannot be trusted, `current()` says so and the cache bumps everything on a write: before the
 * first successful read, while a DDL through chgate is running (a view created now may already be read and cached,
 * and a write to its source must reach it), and after a DDL until a refresh succeeds. DDL made outside chgate is
 * learned at the next refresh or external-change poll: until then a write through chgate to a new view's source
 * may leave the view's entries in place, for at most that interval (the same bound as any external change).
 */
export interface SchemaDependencySource {
  /** The graph now; undefined while it cannot be trusted (then a write must invalidate everything). */
  current(): SchemaGraph | undefined;
  /** A statement that may change the schema: at 'start' the graph is untrusted; 'complete' resolves once re-read. */
  schemaChange(phase: 'start' | 'complete'): Promise<void>;
  /** Reads the graph again (after any refresh already running). Never rejects; failures go to onRefresh. */
  refresh(): Promise<void>;
  close(): void;
}

export interface SchemaDependencyOptions {
  /** Runs a read-only query on the writer of every cluster and joins the answers. */
  queryWriter: (sql: string) => Promise<string>;
  classify: ClassifySelect;
  refreshMs: number;
  /** After a failed refresh, the next try comes this soon (bounded by refreshMs). 1 s. */
  retryMs?: number;
  onRefresh?: (result: 'ok' | 'error', error?: unknown) => void;
}

export function createSchemaDependencies(options: SchemaDependencyOptions): SchemaDependencySource {
  const { queryWriter, classify, refreshMs, retryMs = Math.min(1_000, refreshMs), onRefresh = () => {} } = options;
  let graph: SchemaGraph | undefined;
  /** DDL statements through chgate between their start and complete. */
  let ddlRunning = 0;
  /** Bumped when a DDL completes: a refresh that began before it cannot clear `stale`. */
  let ddlGeneration = 0;
  let stale = false;
  let running: Promise<void> | undefined;
  let queued: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = (ms: number): void => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void refresh(), ms);
    timer.unref();
  };

  const readOnce = async (): Promise<void> => {
    const generation = ddlGeneration;
    try {
      const rows = parseSchemaRows(await queryWriter(schemaTablesQuery));
      graph = buildSchemaGraph(rows, classify);
      if (generation === ddlGeneration) stale = false;
      onRefresh('ok');
      schedule(refreshMs);
    } catch (error) {
      onRefresh('error', error);
      schedule(retryMs);
    }
  };

  // One read at a time; calls made while one runs share the next read (which starts after it).
  const refresh = (): Promise<void> => {
    if (queued) return queued;
    const after = running ?? Promise.resolve();
    const next = after.then(async () => {
      queued = undefined;
      const run = readOnce();
      running = run;
      await run;
      if (running === run) running = undefined;
    });
    queued = next;
    return next;
  };

  return {
    current: () => (graph === undefined || stale || ddlRunning > 0 ? undefined : graph),
    async schemaChange(phase) {
      if (phase === 'start') {
        ddlRunning++;
        return;
      }
      ddlRunning = Math.max(0, ddlRunning - 1);
      ddlGeneration++;
      stale = true;
      await refresh();
    },
    refresh,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}
