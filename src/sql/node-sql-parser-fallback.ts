import { createRequire } from 'node:module';
import { isUnicodeSpace } from './lexer.js';

/**
 * node-sql-parser (mysql dialect) as a second opinion, used only where chgate's own parser
 * gave up on a statement that starts like a query (SELECT, WITH, `(`).
 *
 * Why not on the hot path: it costs 70–500 µs per call where chgate's parser costs a few µs,
 * and it parses fewer than half of everyday ClickHouse statements (no FORMAT, SETTINGS, FINAL,
 * SAMPLE, ARRAY JOIN, table functions, ...). Our parser is confident on everything it accepts,
 * so node-sql-parser only gets the leftovers: when it can read one of those as plain SQL
 * SELECTs, the statement is a read after all (a ClickHouse statement that starts with SELECT,
 * WITH or a bracket can only be a query). Its table list is then reported, but the statement
 * is not cacheable: our own checks for non-deterministic functions and outside data did not run.
 *
 * Loaded lazily (its mysql build takes ~60 ms to load) and only the mysql build, not every dialect.
 */

export interface FallbackReading {
  tablesRead: string[];
}

export interface QueryFallback {
  /** The tables of `sql` if node-sql-parser reads it as SELECT statements only; undefined otherwise. */
  readQuery(sql: string): FallbackReading | undefined;
}

interface NodeSqlParser {
  parse(sql: string, options: { database: string }): { tableList: string[]; ast: unknown };
}

type ParserModule = { Parser: new () => NodeSqlParser };

/**
 * Statements longer than this are not handed over: its PEG parser backtracks, and on a
 * 1–2 KB near-miss it was measured at 10–25 ms, too close to the 50 ms a classification may take.
 */
export const FALLBACK_MAX_LENGTH = 1000;

export function createNodeSqlParserFallback(): QueryFallback {
  let parser: NodeSqlParser | undefined;
  const load = (): NodeSqlParser => {
    if (parser === undefined) {
      const require = createRequire(import.meta.url);
      const module = require('node-sql-parser/build/mysql.js') as ParserModule;
      parser = new module.Parser();
    }
    return parser;
  };
  return {
    readQuery(sql: string): FallbackReading | undefined {
      // node-sql-parser reads Unicode spaces as identifier characters where ClickHouse (and our lexer) skips them:
      // `t<NBSP>x` would become a table named "t x". Such text stays unknown rather than read two ways.
      if (sql.length > FALLBACK_MAX_LENGTH || hasUnicodeSpace(sql)) return undefined;
      try {
        const { tableList, ast } = load().parse(sql, { database: 'mysql' });
        const statements = Array.isArray(ast) ? ast : [ast];
        if (statements.length === 0 || !statements.every(isSelectAst)) return undefined;
        const tables = new Set<string>();
        for (const entry of tableList) {
          const [action, database, table] = entry.split('::');
          if (action !== 'select' || table === undefined) return undefined;
          tables.add(database === undefined || database === 'null' ? table : `${database}.${table}`);
        }
        return { tablesRead: [...tables].sort() };
      } catch {
        return undefined;
      }
    },
  };
}

function isSelectAst(node: unknown): boolean {
  return typeof node === 'object' && node !== null && (node as { type?: unknown }).type === 'select';
}

function hasUnicodeSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isUnicodeSpace(text.charCodeAt(i))) return true;
  return false;
}
