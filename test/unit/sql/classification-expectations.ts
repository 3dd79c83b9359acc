import { expect } from 'chai';
import { classifyStatement } from '../../../src/sql/classify-statement.js';
import type { SessionEffect, StatementClassification, StatementType } from '../../../src/sql/types.js';

/** What a unit test pins down about one statement; fields left out are not checked. */
export interface Expected {
  type?: StatementType;
  route?: 'read' | 'write' | 'session';
  reads?: string[];
  writes?: string[];
  functions?: string[];
  dictionaries?: string[];
  databases?: string[];
  cacheable?: boolean;
  unknown?: boolean;
  session?: SessionEffect;
  parameters?: string[];
  /** false: the flag must be absent. */
  sessionScoped?: boolean;
}

/** Classifies `sql` (uncached) and checks it against `expected`; returns the classification. */
export function expectClassification(sql: string, expected: Expected): StatementClassification {
  const c = classifyStatement(sql);
  const label = JSON.stringify(sql);
  if (expected.type !== undefined) expect(c.type, `type of ${label}`).to.equal(expected.type);
  if (expected.route !== undefined) expect(c.route, `route of ${label}`).to.equal(expected.route);
  if (expected.reads !== undefined) expect(c.tablesRead, `tablesRead of ${label}`).to.deep.equal([...expected.reads].sort());
  if (expected.writes !== undefined) expect(c.tablesWritten, `tablesWritten of ${label}`).to.deep.equal([...expected.writes].sort());
  if (expected.functions !== undefined) expect(c.tableFunctions, `tableFunctions of ${label}`).to.deep.equal([...expected.functions].sort());
  if (expected.dictionaries !== undefined) expect(c.dictionaries, `dictionaries of ${label}`).to.deep.equal([...expected.dictionaries].sort());
  if (expected.databases !== undefined) expect(c.databasesWritten, `databasesWritten of ${label}`).to.deep.equal([...expected.databases].sort());
  if (expected.cacheable !== undefined) expect(c.cacheable, `cacheable of ${label}`).to.equal(expected.cacheable);
  if (expected.unknown !== undefined) expect(c.unknown, `unknown of ${label}`).to.equal(expected.unknown);
  if (expected.session !== undefined) expect(c.session, `session of ${label}`).to.deep.equal(expected.session);
  if (expected.parameters !== undefined) expect(c.parameters, `parameters of ${label}`).to.deep.equal(expected.parameters);
  if (expected.sessionScoped !== undefined) expect(c.sessionScoped ?? false, `sessionScoped of ${label}`).to.equal(expected.sessionScoped);
  return c;
}

/** The safe default: what every statement the engine cannot understand must come out as. */
export function expectUnknown(sql: string): void {
  expectClassification(sql, { route: 'write', cacheable: false, unknown: true, reads: [], writes: [] });
}
