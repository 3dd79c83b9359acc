/**
 * Runs one corpus case through the engine's contract (splitStatements → classify each slice)
 * and lists every difference from the case's expectations. Pure: the engine is passed in.
 */
import type { StatementClassification, StatementSlice } from '../../src/sql/types.js';
import type { ExpectedStatement, GrammarCase } from './load-cases.js';

export interface Engine {
  split(sql: string): StatementSlice[];
  classify(sql: string): StatementClassification;
}

export interface CaseRun {
  slices: StatementSlice[];
  classifications: StatementClassification[];
  /** Human-readable differences; empty when the case passes. */
  problems: string[];
}

export function runCase(c: GrammarCase, engine: Engine): CaseRun {
  const problems: string[] = [];
  const slices = engine.split(c.sql);
  const classifications = slices.map((s) => engine.classify(s.sql));
  if (slices.length !== c.statements.length) {
    problems.push(
      `expected ${c.statements.length} statement(s), splitter found ${slices.length}: ` +
        JSON.stringify(slices.map((s) => s.sql)),
    );
  }
  const n = Math.min(slices.length, c.statements.length);
  for (let i = 0; i < n; i++) {
    const prefix = c.statements.length > 1 ? `statement ${i + 1}: ` : '';
    for (const p of compareStatement(c.statements[i]!, slices[i]!, classifications[i]!)) problems.push(prefix + p);
  }
  return { slices, classifications, problems };
}

function compareStatement(exp: ExpectedStatement, slice: StatementSlice, got: StatementClassification): string[] {
  const out: string[] = [];
  const eq = (what: string, expected: unknown, actual: unknown): void => {
    if (JSON.stringify(expected) !== JSON.stringify(actual)) {
      out.push(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
    }
  };
  eq('route', exp.route, got.route);
  if (exp.type !== undefined) eq('type', exp.type, got.type);
  if (exp.tablesRead !== undefined) eq('tablesRead', exp.tablesRead, asSet(got.tablesRead));
  if (exp.tablesWritten !== undefined) eq('tablesWritten', exp.tablesWritten, asSet(got.tablesWritten));
  if (exp.tableFunctions !== undefined) eq('tableFunctions', exp.tableFunctions, asSet(got.tableFunctions, true));
  if (exp.dictionaries !== undefined) eq('dictionaries', exp.dictionaries, asSet(got.dictionaries));
  if (exp.databasesWritten !== undefined) eq('databasesWritten', exp.databasesWritten, asSet(got.databasesWritten));
  if (exp.cacheable !== undefined) eq('cacheable', exp.cacheable, got.cacheable);
  if (exp.unknown !== undefined) eq('unknown', exp.unknown, got.unknown);
  if (exp.truncated !== undefined) eq('truncated', exp.truncated, slice.truncated);
  if (exp.data !== undefined) eq('data', exp.data, slice.data?.kind ?? 'none');
  if (exp.session !== undefined) {
    const s = got.session;
    if (exp.session.kind === 'none') {
      if (s !== undefined) out.push(`session: expected none, got ${JSON.stringify(s)}`);
    } else if (exp.session.kind === 'set') {
      eq('session', { kind: 'set', settings: sortKeys(exp.session.settings) },
        s && s.kind === 'set' ? { kind: 'set', settings: sortKeys(s.settings) } : s);
    } else {
      eq('session', exp.session, s);
    }
  }
  return out;
}

function asSet(values: readonly string[] | undefined, caseInsensitive = false): string[] {
  const list = (values ?? []).map((v) => (caseInsensitive ? v.toLowerCase() : v));
  return [...new Set(list)].sort();
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
