import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { acceptIfExists, skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * TRUNCATE [TEMPORARY] [TABLE] [IF EXISTS] [db.]t        → t written
 * TRUNCATE DATABASE [IF EXISTS] db                        → databasesWritten
 * TRUNCATE ALL TABLES FROM|IN [IF EXISTS] db [LIKE 'p']   → databasesWritten (every table in it)
 */
export function parseTruncateStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const facts = ctx.facts;
  c.expectWord('TRUNCATE');
  if (c.acceptWord('DATABASE') || c.acceptWords('ALL', 'TABLES', 'FROM') || c.acceptWords('ALL', 'TABLES', 'IN')) {
    acceptIfExists(c);
    facts.databasesWritten.add(expectQualifiedName(c).text);
  } else {
    c.acceptWord('TEMPORARY');
    c.acceptWord('TABLE');
    acceptIfExists(c);
    facts.noteTableWritten(expectQualifiedName(c));
  }
  skipRest(c);
  return { type: 'truncate', route: 'write' };
}
