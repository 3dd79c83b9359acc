/**
 * Reads the grammar corpus (grammar-tests/**\/*.sql) into typed cases.
 *
 * The format is described in grammar-tests/README.md. Anything malformed in a case header
 * (unknown key, bad value, missing required key, index out of range, contradictory labels)
 * throws with file:line: a broken case must fail loudly, never be skipped.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { SessionEffect } from '../../src/sql/types.js';

export type ExpectedRoute = 'read' | 'write' | 'session';

/** `undefined` = not checked (key absent, or `?`). */
export interface ExpectedStatement {
  route: ExpectedRoute;
  type?: string;
  tablesRead?: string[];
  tablesWritten?: string[];
  tableFunctions?: string[];
  dictionaries?: string[];
  databasesWritten?: string[];
  cacheable?: boolean;
  /** `none` = no session effect expected. */
  session?: ExpectedSession;
  data?: 'format' | 'values' | 'none';
  truncated?: boolean;
  unknown?: boolean;
}

/** The engine's SessionEffect, or `none`: the statement must carry no session effect. */
export type ExpectedSession = { kind: 'none' } | SessionEffect;

export interface GrammarCase {
  /** Path relative to the corpus root, with forward slashes, e.g. `select/ctes.sql`. */
  file: string;
  /** 1-based line of the case's first header line. */
  line: number;
  name: string;
  /** The body exactly as sent to the splitter. */
  sql: string;
  /** One entry per statement the splitter must find (empty: the body holds no statement). */
  statements: ExpectedStatement[];
  /** Set when the case may run on ClickHouse 18.16 (see test/integration/grammar-on-clickhouse.test.ts). */
  server?: string;
  note?: string;
}

const SEPARATOR = /^-- ={4,}\s*$/;
const HEADER = /^--\s?([a-z]+)(?:\[(\d+)\])?:(.*)$/;

const LIST_KEYS = {
  reads: 'tablesRead',
  writes: 'tablesWritten',
  functions: 'tableFunctions',
  dictionaries: 'dictionaries',
  databases: 'databasesWritten',
} as const;
type ListKey = keyof typeof LIST_KEYS;

const PER_STATEMENT_KEYS = new Set<string>([
  ...Object.keys(LIST_KEYS), 'type', 'cacheable', 'session', 'data', 'truncated', 'unknown',
]);
const CASE_KEYS = new Set<string>(['name', 'route', 'server', 'note', 'newline']);
const TYPES = new Set<string>([
  'select', 'insert', 'alter', 'create', 'drop', 'truncate', 'rename', 'exchange', 'optimize', 'system',
  'kill', 'grant', 'revoke', 'delete', 'update', 'set', 'use', 'show', 'describe', 'exists', 'explain',
  'check', 'attach', 'detach', 'watch', 'other',
]);

export class CorpusFormatError extends Error {
  constructor(where: string, message: string) {
    super(`${where}: ${message}`);
    this.name = 'CorpusFormatError';
  }
}

interface RawHeader {
  key: string;
  index: number | undefined;
  value: string;
  line: number;
}

/** Default corpus root: <repo>/grammar-tests. */
export function defaultCorpusRoot(): string {
  return join(import.meta.dirname, '..', '..', 'grammar-tests');
}

/** All `.sql` files under root, sorted, as paths relative to root with `/`. */
export function listCaseFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir).sort()) {
      const full = join(dir, entry);
      if (statSync(full).isDirectory()) walk(full);
      else if (entry.endsWith('.sql')) out.push(relative(root, full).split(sep).join('/'));
    }
  };
  walk(root);
  return out;
}

export function loadCorpus(root: string = defaultCorpusRoot()): GrammarCase[] {
  const cases: GrammarCase[] = [];
  for (const file of listCaseFiles(root)) {
    cases.push(...parseCaseFile(readFileSync(join(root, file), 'utf8'), file));
  }
  return cases;
}

/** Parses one corpus file. `file` is only used in case titles and error messages. */
export function parseCaseFile(text: string, file: string): GrammarCase[] {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const chunks: { start: number; lines: string[] }[] = [];
  let current: { start: number; lines: string[] } = { start: 1, lines: [] };
  lines.forEach((line, i) => {
    if (SEPARATOR.test(line)) {
      chunks.push(current);
      current = { start: i + 2, lines: [] };
    } else {
      current.lines.push(line);
    }
  });
  chunks.push(current);

  const cases: GrammarCase[] = [];
  const names = new Set<string>();
  for (const chunk of chunks) {
    if (chunk.lines.every((l) => l.trim() === '')) continue;
    const parsed = parseChunk(chunk.lines, chunk.start, file);
    if (names.has(parsed.name)) {
      throw new CorpusFormatError(`${file}:${parsed.line}`, `duplicate case name "${parsed.name}" in this file`);
    }
    names.add(parsed.name);
    cases.push(parsed);
  }
  return cases;
}

function parseChunk(lines: string[], firstLine: number, file: string): GrammarCase {
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === '') i++;
  const headerStart = firstLine + i;
  const headers: RawHeader[] = [];
  for (; i < lines.length; i++) {
    const m = HEADER.exec(lines[i]!);
    if (!m) break;
    const key = m[1]!;
    if (!CASE_KEYS.has(key) && !PER_STATEMENT_KEYS.has(key)) {
      throw new CorpusFormatError(`${file}:${firstLine + i}`, `unknown header key "${key}"`);
    }
    headers.push({ key, index: m[2] === undefined ? undefined : Number(m[2]), value: m[3]!.trim(), line: firstLine + i });
  }
  const where = `${file}:${headerStart}`;
  if (headers.length === 0) throw new CorpusFormatError(where, 'case has no header (expected "-- name: ...")');

  const sqlLines = lines.slice(i);
  while (sqlLines.length > 0 && sqlLines[sqlLines.length - 1]!.trim() === '') sqlLines.pop();
  while (sqlLines.length > 0 && sqlLines[0]!.trim() === '') sqlLines.shift();

  const seen = new Set<string>();
  const single = (key: string): RawHeader | undefined => {
    const found = headers.filter((h) => h.key === key && h.index === undefined);
    return found[0];
  };
  for (const h of headers) {
    const id = h.index === undefined ? h.key : `${h.key}[${h.index}]`;
    if (seen.has(id)) throw new CorpusFormatError(`${file}:${h.line}`, `duplicate header "${id}"`);
    seen.add(id);
    if (CASE_KEYS.has(h.key) && h.index !== undefined) {
      throw new CorpusFormatError(`${file}:${h.line}`, `"${h.key}" cannot be indexed`);
    }
  }

  const name = single('name')?.value;
  if (!name) throw new CorpusFormatError(where, 'missing "name"');
  const title = `${where} (${name})`;
  const routeHeader = single('route');
  if (!routeHeader) throw new CorpusFormatError(title, 'missing "route"');

  let sql = sqlLines.join('\n');
  const newline = single('newline')?.value;
  if (newline !== undefined) {
    if (newline !== 'crlf') throw new CorpusFormatError(title, `newline must be "crlf", got "${newline}"`);
    sql = sql.replace(/\n/g, '\r\n');
  }

  const routes: ExpectedRoute[] = [];
  if (routeHeader.value !== 'none') {
    for (const r of splitList(routeHeader.value)) {
      if (r !== 'read' && r !== 'write' && r !== 'session') {
        throw new CorpusFormatError(title, `route must be read|write|session|none, got "${r}"`);
      }
      routes.push(r);
    }
    if (routes.length === 0) throw new CorpusFormatError(title, 'route is empty (use "none" for a body with no statement)');
  }
  const n = routes.length;
  if (n > 0 && sql.trim() === '') throw new CorpusFormatError(title, 'case has no SQL');

  for (const h of headers) {
    if (h.index !== undefined && (h.index < 1 || h.index > n)) {
      throw new CorpusFormatError(`${file}:${h.line}`, `${h.key}[${h.index}] is out of range: the case has ${n} statement(s)`);
    }
  }
  if (n > 0) {
    for (const required of ['reads', 'writes', 'cacheable']) {
      if (!single(required)) throw new CorpusFormatError(title, `missing "${required}"`);
    }
  }

  /** The header giving statement `k` (1-based) its value: indexed first, then the unindexed default. */
  const valueFor = (key: string, k: number): RawHeader | undefined =>
    headers.find((h) => h.key === key && h.index === k) ?? single(key);

  const statements: ExpectedStatement[] = routes.map((route, idx) => {
    const k = idx + 1;
    const st: ExpectedStatement = { route };
    const at = `${title} statement ${k}`;

    for (const key of Object.keys(LIST_KEYS) as ListKey[]) {
      const h = valueFor(key, k);
      if (!h || h.value === '?') continue;
      st[LIST_KEYS[key]] = normalizeNames(splitList(h.value), key === 'functions');
    }

    const type = perStatementValue(valueFor('type', k), idx, n, at, 'type');
    if (type !== undefined) {
      if (!TYPES.has(type)) throw new CorpusFormatError(at, `unknown type "${type}"`);
      st.type = type;
    }

    const cacheable = perStatementValue(valueFor('cacheable', k), idx, n, at, 'cacheable');
    if (cacheable !== undefined && cacheable !== '?') st.cacheable = parseBool(cacheable, at, 'cacheable');

    const truncated = perStatementValue(valueFor('truncated', k), idx, n, at, 'truncated');
    if (truncated !== undefined) st.truncated = parseBool(truncated, at, 'truncated');
    const unknown = perStatementValue(valueFor('unknown', k), idx, n, at, 'unknown');
    if (unknown !== undefined) st.unknown = parseBool(unknown, at, 'unknown');

    const data = valueFor('data', k)?.value;
    if (data !== undefined) {
      if (data !== 'format' && data !== 'values' && data !== 'none') {
        throw new CorpusFormatError(at, `data must be format|values|none, got "${data}"`);
      }
      st.data = data;
    }

    const session = valueFor('session', k)?.value;
    if (session !== undefined) st.session = parseSession(session, at);

    checkConsistency(st, at);
    return st;
  });

  const server = single('server')?.value;
  if (server !== undefined) {
    if (server !== '18.16') throw new CorpusFormatError(title, `server must be "18.16", got "${server}"`);
    if (n !== 1) throw new CorpusFormatError(title, 'server-checked cases must hold exactly one statement');
  }

  const result: GrammarCase = { file, line: headerStart, name, sql, statements };
  if (server !== undefined) result.server = server;
  const note = single('note')?.value;
  if (note !== undefined) result.note = note;
  return result;
}

/** A per-statement scalar given either once (applies to all) or once per statement. */
function perStatementValue(h: RawHeader | undefined, idx: number, n: number, at: string, key: string): string | undefined {
  if (!h) return undefined;
  if (h.index !== undefined) return h.value;
  const parts = splitList(h.value);
  if (parts.length === 1) return parts[0];
  if (parts.length !== n) {
    throw new CorpusFormatError(at, `${key} lists ${parts.length} values for ${n} statements (give 1 or ${n})`);
  }
  return parts[idx];
}

function splitList(value: string): string[] {
  return value.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/**
 * Sorted and unique. Names are written in the header exactly as the engine must report them (quotes already
 * removed, so a backtick or quote in a name is part of the name); table functions compare without case.
 */
function normalizeNames(names: string[], caseInsensitive: boolean): string[] {
  const cleaned = names.map((name) => (caseInsensitive ? name.toLowerCase() : name));
  return [...new Set(cleaned)].sort();
}

function parseBool(value: string, at: string, key: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new CorpusFormatError(at, `${key} must be true or false, got "${value}"`);
}

function parseSession(value: string, at: string): ExpectedSession {
  if (value === 'none') return { kind: 'none' };
  if (value === 'other') return { kind: 'other' };
  const use = /^use\s+(.+)$/.exec(value);
  if (use) return { kind: 'use', database: use[1]!.trim() };
  const set = /^set\s+(.+)$/.exec(value);
  if (set) {
    const settings: Record<string, string> = {};
    for (const pair of splitList(set[1]!)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) throw new CorpusFormatError(at, `session setting "${pair}" is not name=value`);
      settings[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
    }
    return { kind: 'set', settings };
  }
  throw new CorpusFormatError(at, `session must be none|other|use <db>|set k=v[, k=v], got "${value}"`);
}

/** Expectations that contradict the issue's rules are corpus bugs. */
function checkConsistency(st: ExpectedStatement, at: string): void {
  if (st.route !== 'read' && st.cacheable === true) {
    throw new CorpusFormatError(at, `a ${st.route} statement cannot be cacheable`);
  }
  if (st.route !== 'write' && st.tablesWritten !== undefined && st.tablesWritten.length > 0) {
    throw new CorpusFormatError(at, `a ${st.route} statement cannot write tables`);
  }
  if (st.route !== 'write' && st.databasesWritten !== undefined && st.databasesWritten.length > 0) {
    throw new CorpusFormatError(at, `a ${st.route} statement cannot write databases`);
  }
  if (st.session !== undefined && st.session.kind !== 'none' && st.route !== 'session') {
    throw new CorpusFormatError(at, 'only a session statement can carry a session effect');
  }
  if (st.unknown === true && (st.route !== 'write' || st.cacheable !== false)) {
    throw new CorpusFormatError(at, 'an unknown statement must be expected as route write, cacheable false');
  }
}

/** Title used for the mocha test of a case. */
export function caseTitle(c: GrammarCase): string {
  return `${c.file}: ${c.name}`;
}
