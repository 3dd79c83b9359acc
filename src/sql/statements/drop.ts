import type { ParseContext } from '../parse-context.js';
import { acceptIfExists, readNameList, skipRest } from './common-clauses.js';
import { acceptDatabaseOrAccessEntity, acceptIndexOn, acceptTableKind } from './object-kinds.js';
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
  if (acceptDatabaseOrAccessEntity(ctx) || acceptIndexOn(ctx)) return outcome;
  if (c.acceptWord('TEMPORARY')) outcome.sessionScoped = true;
  // The kind may be left out (`DETACH db.t`).
  acceptTableKind(c);
  acceptIfExists(c);
  c.acceptWords('IF', 'EMPTY');
  for (const name of readNameList(c)) facts.noteTableWritten(name);
  // ON CLUSTER, PERMANENTLY, SYNC, UUID '...': nothing more to learn.
  skipRest(c);
  return outcome;
}
