import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import type { TokenCursor } from '../token-cursor.js';
import { acceptIfExists, acceptIfNotExists, skipRest } from './common-clauses.js';

/** The kinds of object that CREATE, ALTER, DROP, DETACH, ATTACH and friends name after their verb. */

const ACCESS_ENTITIES: readonly (readonly string[])[] = [
  ['USER'], ['ROLE'], ['QUOTA'], ['ROW', 'POLICY'], ['POLICY'], ['MASKING', 'POLICY'], ['SETTINGS', 'PROFILE'],
  ['PROFILE'], ['NAMED', 'COLLECTION'], ['FUNCTION'], ['WORKLOAD'], ['RESOURCE'], ['USERS'], ['ROLES'],
  ['QUOTAS'], ['POLICIES'], ['PROFILES'],
];

/**
 * At a server-level object without tables (USER, ROLE, QUOTA, ROW POLICY, SETTINGS PROFILE,
 * NAMED COLLECTION, FUNCTION, ...): flags its words as keywords.
 */
export function isAccessEntityAt(c: TokenCursor): boolean {
  for (const words of ACCESS_ENTITIES) {
    if (words.every((word, i) => c.word(i) === word)) {
      for (let i = 0; i < words.length; i++) c.markKeyword(i);
      return true;
    }
  }
  return false;
}

/** TABLE, DICTIONARY, VIEW, MATERIALIZED / LIVE / WINDOW VIEW: objects that are tables to chgate. */
export function acceptTableKind(c: TokenCursor): boolean {
  return c.acceptWord('TABLE') || c.acceptWord('DICTIONARY') || c.acceptWord('VIEW') ||
    c.acceptWords('MATERIALIZED', 'VIEW') || c.acceptWords('LIVE', 'VIEW') || c.acceptWords('WINDOW', 'VIEW');
}

/** `[UNIQUE] INDEX [IF [NOT] EXISTS] i ON [db.]t ...`: the table is written; true when handled. */
export function acceptIndexOn(ctx: ParseContext): boolean {
  const c = ctx.cursor;
  if (!c.acceptWord('INDEX') && !c.acceptWords('UNIQUE', 'INDEX')) return false;
  if (!acceptIfNotExists(c)) acceptIfExists(c);
  expectQualifiedName(c);
  c.expectWord('ON');
  ctx.facts.noteTableWritten(expectQualifiedName(c));
  skipRest(c);
  return true;
}

/**
 * `DATABASE [IF [NOT] EXISTS] db ...` (the database is written) or an access entity (no table):
 * the whole statement is then handled, and true is returned.
 */
export function acceptDatabaseOrAccessEntity(ctx: ParseContext): boolean {
  const c = ctx.cursor;
  if (c.acceptWord('DATABASE')) {
    if (!acceptIfNotExists(c)) acceptIfExists(c);
    ctx.facts.databasesWritten.add(expectQualifiedName(c).text);
  } else if (!isAccessEntityAt(c)) {
    return false;
  }
  skipRest(c);
  return true;
}
