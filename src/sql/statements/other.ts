import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/** Statement kinds with no type of their own: all writes. */
export const OTHER_WRITE_VERBS: ReadonlySet<string> = new Set([
  'BACKUP', 'RESTORE', 'BEGIN', 'COMMIT', 'ROLLBACK', 'START', 'MOVE',
]);

/**
 * BACKUP (writes files), RESTORE (recreates the tables it names, under their AS name if given), BEGIN / COMMIT / ROLLBACK /
 * START TRANSACTION, MOVE USER|ROLE ... TO storage: writes. RESTORE TABLE|DICTIONARY t writes t
 * and RESTORE DATABASE db writes db.
 */
export function parseOtherWriteStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const verb = c.word();
  c.acceptWord(verb);
  if (verb === 'RESTORE') {
    do {
      c.acceptWord('TEMPORARY');
      if (c.acceptWord('TABLE') || c.acceptWord('DICTIONARY') || c.acceptWord('VIEW')) {
        const name = expectQualifiedName(c);
        // RESTORE TABLE t AS t2 recreates t2, not t.
        ctx.facts.noteTableWritten(c.acceptWord('AS') ? expectQualifiedName(c) : name);
      } else if (c.acceptWord('DATABASE')) {
        const name = expectQualifiedName(c);
        ctx.facts.databasesWritten.add((c.acceptWord('AS') ? expectQualifiedName(c) : name).text);
      } else {
        break;
      }
    } while (c.acceptPunct(','));
  }
  skipRest(c);
  return { type: 'other', route: 'write' };
}
