import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import type { TokenCursor } from '../token-cursor.js';
import { isAccessEntityAt } from './access-control.js';
import { acceptIfExists, readNameList, skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * DROP | DETACH | UNDROP:
 *   [TEMPORARY] TABLE | VIEW | DICTIONARY [IF EXISTS] [IF EMPTY] [db.]a [, [db.]b ...] → each written
 *   DATABASE [IF EXISTS] db → databasesWritten
 *   INDEX i ON t → t written
 *   USER, ROLE, QUOTA, ... → access only, no tables
 */
export function parseDropStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const facts = ctx.facts;
  const verb = c.word();
  c.acceptWord(verb);
  const outcome: StatementOutcome = {
    type: verb === 'DETACH' ? 'detach' : verb === 'DROP' ? 'drop' : 'other',
    route: 'write',
  };
  if (c.acceptWord('DATABASE')) {
    acceptIfExists(c);
    facts.databasesWritten.add(expectQualifiedName(c).text);
    skipRest(c);
    return outcome;
  }
  if (isAccessEntityAt(c)) {
    skipRest(c);
    return outcome;
  }
  if (c.acceptWord('INDEX')) {
    acceptIfExists(c);
    expectQualifiedName(c);
    c.expectWord('ON');
    facts.noteTableWritten(expectQualifiedName(c));
    skipRest(c);
    return outcome;
  }
  c.acceptWord('TEMPORARY');
  acceptObjectKind(c);
  acceptIfExists(c);
  c.acceptWords('IF', 'EMPTY');
  for (const name of readNameList(c)) facts.noteTableWritten(name);
  // ON CLUSTER, PERMANENTLY, SYNC, UUID '...': nothing more to learn.
  skipRest(c);
  return outcome;
}

function acceptObjectKind(c: TokenCursor): boolean {
  return c.acceptWord('TABLE') || c.acceptWord('DICTIONARY') || c.acceptWord('VIEW') ||
    c.acceptWords('MATERIALIZED', 'VIEW') || c.acceptWords('LIVE', 'VIEW') || c.acceptWords('WINDOW', 'VIEW') ||
    c.acceptWord('TABLES') || c.acceptWord('DICTIONARIES');
}
