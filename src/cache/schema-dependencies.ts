import { tokenize, type Token } from '../sql/lexer.js';
import { identifierName, stringLiteralValue } from '../sql/names.js';
import { resolveTableName, resolveTableNames } from '../sql/resolve-table.js';
import type { StatementClassification } from '../sql/types.js';

/**
 * The schema's dependency graph, learned from `system.tables`: which tables' query results change when a table
 * changes, which SQL alone cannot show. Pure: rows in, graph out (schema-dependencies-learner.ts does the I/O).
 *
 * Edges go from a table to the tables whose results it changes:
 * - a view V reading T (its SELECT, classified by the SQL engine): T → V;
 * - a materialized view M over S writing to X (`TO X`, or its inner table `.inner.M` / `.inner_id.<uuid>`):
 *   S → M, S → X, and M ↔ X (an INSERT into M lands in X; reading M reads X);
 * - `dependencies_database` / `dependencies_table` (the MVs ClickHouse feeds from T): T → each;
 * - Distributed(cluster, db, t), Buffer(db, t, ...): both ways (a write to either changes what the other reads);
 * - Merge(db, regexp): each matching table of db → the Merge table.
 * A table whose sources cannot be known (its SELECT not understood, a table function, an engine argument that is
 * an expression) is *opaque*: every write invalidates it.
 */
export interface SchemaGraph {
  /** Resolved table → the resolved tables a change to it also changes (direct edges only). */
  readonly edges: ReadonlyMap<string, readonly string[]>;
  /** Tables whose sources are unknown: changed by any write. Sorted. */
  readonly opaque: readonly string[];
}

/** One row of `SELECT * FROM system.tables FORMAT JSONEachRow`; only the columns read here (18.16 and newer). */
export interface SchemaTableRow {
  database: string;
  name: string;
  engine: string;
  engine_full?: string;
  create_table_query?: string;
  dependencies_database?: string[];
  dependencies_table?: string[];
  /** Newer servers (Atomic databases name an MV's inner table `.inner_id.<uuid>`). */
  uuid?: string;
}

/** `SELECT *`: the columns differ between 18.16 and newer servers; whichever exist are read. */
export const schemaTablesQuery =
  "SELECT * FROM system.tables WHERE database NOT IN ('system', 'INFORMATION_SCHEMA', 'information_schema') FORMAT JSONEachRow";

/** What the graph needs from the SQL engine for a view's SELECT. */
export type ClassifySelect = (sql: string) => Pick<StatementClassification, 'tablesRead' | 'tableFunctions' | 'unknown'>;

export function parseSchemaRows(body: string): SchemaTableRow[] {
  const rows: SchemaTableRow[] = [];
  for (const line of body.split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Partial<SchemaTableRow>;
    if (typeof row.database !== 'string' || typeof row.name !== 'string' || typeof row.engine !== 'string') {
      throw new Error(`unexpected system.tables row: ${line.slice(0, 200)}`);
    }
    rows.push(row as SchemaTableRow);
  }
  return rows;
}

/** A top-level argument of an engine clause: a name or string literal, or something chgate cannot evaluate. */
export type EngineArgument = { kind: 'value'; value: string } | { kind: 'expression' };

/** The arguments of the first `Name(...)` in an engine clause (`Distributed(c, db, t)` → c, db, t). */
export function parseEngineArguments(engineClause: string): EngineArgument[] | undefined {
  const { tokens } = tokenize(engineClause);
  const open = tokens.findIndex((token) => token.text === '(');
  if (open < 0) return undefined;
  const args: EngineArgument[] = [];
  let current: Token[] = [];
  let depth = 0;
  const close = (): void => {
    const only = current.length === 1 ? current[0] : undefined;
    if (only && (only.kind === 'word' || only.kind === 'quoted')) args.push({ kind: 'value', value: identifierName(only) });
    else if (only && only.kind === 'string') args.push({ kind: 'value', value: stringLiteralValue(only) });
    else args.push({ kind: 'expression' });
    current = [];
  };
  for (const token of tokens.slice(open + 1)) {
    if (token.text === '(' || token.text === '[') depth++;
    if (token.text === ')' || token.text === ']') {
      if (depth === 0) {
        if (current.length > 0 || args.length > 0) close();
        return args;
      }
      depth--;
    }
    if (token.text === ',' && depth === 0) close();
    else current.push(token);
  }
  return undefined;
}

/**
 * The SELECT of `CREATE [MATERIALIZED] VIEW ... AS SELECT ...`: the text after the first `AS` outside brackets
 * that starts a query. Undefined when there is none.
 */
export function viewSelectOf(createQuery: string): string | undefined {
  const { tokens } = tokenize(createQuery);
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.text === '(') depth++;
    else if (token.text === ')') depth--;
    else if (depth === 0 && token.kind === 'word' && token.upper === 'AS') {
      const next = tokens[i + 1];
      if (next && (next.upper === 'SELECT' || next.upper === 'WITH' || next.text === '(')) return createQuery.slice(next.start);
    }
  }
  return undefined;
}

/** `TO db.t` of `CREATE MATERIALIZED VIEW name TO db.t ...`, resolved in `database`. */
export function materializedViewTargetOf(createQuery: string, database: string): string | undefined {
  const { tokens } = tokenize(createQuery);
  const view = tokens.findIndex((token) => token.kind === 'word' && token.upper === 'VIEW');
  if (view < 0) return undefined;
  // Skip the view's name: `db.name`, `name`, optionally with ON CLUSTER before TO on newer servers.
  for (let i = view + 1; i < tokens.length; i++) {
    const token = tokens[i] as Token;
    if (token.text === '(' || (token.kind === 'word' && ['AS', 'ENGINE', 'POPULATE'].includes(token.upper))) return undefined;
    if (token.kind === 'word' && token.upper === 'TO') {
      const first = tokens[i + 1];
      if (!first || (first.kind !== 'word' && first.kind !== 'quoted')) return undefined;
      const dot = tokens[i + 2];
      const second = tokens[i + 3];
      if (dot?.text === '.' && second && (second.kind === 'word' || second.kind === 'quoted')) return `${identifierName(first)}.${identifierName(second)}`;
      return `${database}.${identifierName(first)}`;
    }
  }
  return undefined;
}

/**
 * A Merge table's table regexp, as a JavaScript RegExp. ClickHouse uses re2, whose syntax is (nearly) a subset of
 * JavaScript's; a pattern that does not compile matches every table of the database (safe: more invalidation).
 */
function mergePattern(pattern: string): RegExp {
  try {
    return new RegExp(pattern);
  } catch {
    return /.*/;
  }
}

/** The graph of every table in `rows`. `classify` reads a view's SELECT. */
export function buildSchemaGraph(rows: readonly SchemaTableRow[], classify: ClassifySelect): SchemaGraph {
  const edges = new Map<string, Set<string>>();
  const opaque = new Set<string>();
  const addEdge = (from: string, to: string): void => {
    if (from === to) return;
    let set = edges.get(from);
    if (!set) edges.set(from, (set = new Set()));
    set.add(to);
  };
  const both = (a: string, b: string): void => {
    addEdge(a, b);
    addEdge(b, a);
  };
  const tablesOf = new Map<string, string[]>();
  const known = new Set<string>();
  for (const row of rows) {
    known.add(`${row.database}.${row.name}`);
    let tables = tablesOf.get(row.database);
    if (!tables) tablesOf.set(row.database, (tables = []));
    tables.push(row.name);
  }

  for (const row of rows) {
    const me = `${row.database}.${row.name}`;
    const fed = row.dependencies_table ?? [];
    fed.forEach((table, i) => addEdge(me, `${row.dependencies_database?.[i] ?? row.database}.${table}`));
    const createQuery = row.create_table_query ?? '';
    const args = (): EngineArgument[] | undefined => parseEngineArguments(row.engine_full ?? '');
    const value = (arg: EngineArgument | undefined): string | undefined => (arg?.kind === 'value' ? arg.value : undefined);
    switch (row.engine) {
      case 'View':
      case 'LiveView':
      case 'MaterializedView': {
        const select = viewSelectOf(createQuery);
        const read = select === undefined ? undefined : classify(select);
        const sources = read && !read.unknown && read.tableFunctions.length === 0 ? resolveTableNames(read.tablesRead, row.database) : undefined;
        if (sources === undefined) opaque.add(me);
        for (const source of sources ?? []) addEdge(source, me);
        if (row.engine !== 'MaterializedView') break;
        const inner = [`.inner.${row.name}`, ...(row.uuid ? [`.inner_id.${row.uuid}`] : [])].map((name) => `${row.database}.${name}`).find((name) => known.has(name));
        const target = materializedViewTargetOf(createQuery, row.database) ?? inner;
        if (target === undefined) break;
        both(me, target);
        for (const source of sources ?? []) addEdge(source, target);
        break;
      }
      case 'Distributed': {
        const [, database, table] = args() ?? [];
        const local = value(database) !== undefined && value(table) !== undefined ? `${value(database)}.${value(table)}` : undefined;
        if (local === undefined) opaque.add(me);
        else both(me, local);
        break;
      }
      case 'Buffer': {
        const [database, table] = args() ?? [];
        // Buffer(db, t) writes to db.t; an empty database means its own (ClickHouse allows '').
        const destination = value(table) !== undefined ? `${value(database) || row.database}.${value(table)}` : undefined;
        if (destination === undefined) opaque.add(me);
        else both(me, destination);
        break;
      }
      case 'Merge': {
        const [database, pattern] = args() ?? [];
        const db = value(database);
        const regexp = value(pattern);
        if (db === undefined || regexp === undefined) {
          opaque.add(me);
          break;
        }
        const matcher = mergePattern(regexp);
        for (const name of tablesOf.get(db) ?? []) if (matcher.test(name)) addEdge(`${db}.${name}`, me);
        break;
      }
      default:
        break;
    }
  }
  return {
    edges: new Map([...edges].map(([from, to]) => [from, [...to].sort()])),
    opaque: [...opaque].sort(),
  };
}

/** Statements after which the graph may be out of date: DDL, and anything chgate could not analyse. */
export function mayChangeSchema(classification: Pick<StatementClassification, 'type' | 'route' | 'unknown' | 'normalized'>): boolean {
  if (classification.unknown) return true;
  if (classification.route !== 'write') return false;
  if (['create', 'drop', 'rename', 'exchange', 'attach', 'detach'].includes(classification.type)) return true;
  // ALTER TABLE mv MODIFY QUERY (newer servers) changes what a materialized view reads.
  return classification.type === 'alter' && /\bMODIFY\s+QUERY\b/i.test(classification.normalized);
}

/**
 * Every table a change to `tables` also changes, `tables` included: the union of the graphs' edges, walked
 * transitively, plus each graph's opaque tables (and what they change) whenever anything changes.
 */
export function dependentsClosure(tables: readonly string[], graphs: ReadonlyArray<SchemaGraph | undefined>): string[] {
  const seen = new Set(tables);
  const queue = [...tables];
  if (tables.length > 0) {
    for (const graph of graphs) {
      for (const table of graph?.opaque ?? []) {
        if (!seen.has(table)) {
          seen.add(table);
          queue.push(table);
        }
      }
    }
  }
  for (let table = queue.pop(); table !== undefined; table = queue.pop()) {
    for (const graph of graphs) {
      for (const next of graph?.edges.get(table) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          queue.push(next);
        }
      }
    }
  }
  return [...seen].sort();
}

/** `cache.table_dependencies` (`{ 'db.t': ['db.t_mv'] }`, unqualified names in `default`) as a graph. */
export function graphFromConfig(dependencies: Readonly<Record<string, readonly string[]>>): SchemaGraph {
  const edges = new Map<string, string[]>();
  for (const [table, dependents] of Object.entries(dependencies)) {
    const from = resolveTableName(table, 'default');
    edges.set(from, resolveTableNames([...(edges.get(from) ?? []), ...dependents], 'default'));
  }
  return { edges, opaque: [] };
}
