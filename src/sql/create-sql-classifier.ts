import { classifyStatement } from './classify-statement.js';
import { LruCache } from './lru-cache.js';
import { createNodeSqlParserFallback } from './node-sql-parser-fallback.js';
import { splitStatements } from './split-statements.js';
import type { StatementClassification } from './types.js';

export interface SqlClassifier {
  /** One statement's `sql` (as splitStatements gives it). Never throws; unknown SQL → write. */
  classify(statementSql: string): StatementClassification;
  /** Every statement of a request body, in order. */
  classifyBody(text: string): StatementClassification[];
}

export interface SqlClassifierOptions {
  /** Classifications kept, keyed by exact statement text (default 10,000; 0 disables the cache). */
  cacheEntries?: number;
  /** Total characters of cached statement text (default 16 Mi): long statements cannot bloat the cache. */
  cacheChars?: number;
}

const DEFAULT_CACHE_ENTRIES = 10_000;
const DEFAULT_CACHE_CHARS = 16 * 1024 * 1024;

/**
 * The SQL engine's entry point. Classifications are cached by exact statement text in a
 * bounded LRU owned by this instance (no module state): dashboards repeat the same queries,
 * and a cache hit costs a Map lookup instead of a parse. Results are frozen, so sharing them
 * between callers is safe.
 */
export function createSqlClassifier(options: SqlClassifierOptions = {}): SqlClassifier {
  const cache = new LruCache<string, StatementClassification>(
    options.cacheEntries ?? DEFAULT_CACHE_ENTRIES,
    options.cacheChars ?? DEFAULT_CACHE_CHARS,
  );
  const fallback = createNodeSqlParserFallback();
  const classify = (statementSql: string): StatementClassification => {
    const cached = cache.get(statementSql);
    if (cached !== undefined) return cached;
    const result = classifyStatement(statementSql, fallback);
    cache.set(statementSql, result, statementSql.length + 1);
    return result;
  };
  return {
    classify,
    classifyBody(text: string): StatementClassification[] {
      return splitStatements(text).map((slice) => classify(slice.sql));
    },
  };
}
