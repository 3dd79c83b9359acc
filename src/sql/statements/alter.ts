import { scanExpression } from '../expression-scanner.js';
import { expectQualifiedName, readQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { acceptOnCluster } from './common-clauses.js';
import { acceptDatabaseOrAccessEntity, acceptTableKind } from './object-kinds.js';
import { parseQuery } from './select.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * ALTER TABLE [db.]t [ON CLUSTER c] command [, command ...] [SETTINGS ...], for every command
 * family (COLUMN, INDEX, PROJECTION, CONSTRAINT, TTL, SETTING, ORDER BY, SAMPLE BY, COMMENT,
 * UPDATE / DELETE mutations, PARTITION and PART operations, FREEZE, MODIFY QUERY, ...).
 * The table is written whatever the command. Commands are scanned as expressions, which finds
 * subqueries in UPDATE / DELETE, plus two table references of their own:
 * `ATTACH|REPLACE PARTITION p FROM src` reads src, `MOVE PARTITION p TO TABLE dest` writes dest.
 * ALTER DATABASE writes the database; ALTER USER / ROLE / QUOTA / ... change access only.
 */

const COMMAND_STOPS: ReadonlySet<string> = new Set(['FROM', 'TO', 'QUERY']);

export function parseAlterStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const facts = ctx.facts;
  const outcome: StatementOutcome = { type: 'alter', route: 'write' };
  c.expectWord('ALTER');
  if (acceptDatabaseOrAccessEntity(ctx)) return outcome;
  c.acceptWord('TEMPORARY');
  if (!acceptTableKind(c)) c.fail('expected ALTER TABLE');
  facts.noteTableWritten(expectQualifiedName(c));
  acceptOnCluster(c);
  parseAlterCommands(ctx);
  return outcome;
}

function parseAlterCommands(ctx: ParseContext): void {
  const c = ctx.cursor;
  const facts = ctx.facts;
  for (;;) {
    scanExpression(ctx, { stops: COMMAND_STOPS });
    if (c.atEnd()) return;
    const word = c.word();
    if (word === 'FROM') {
      c.acceptWord('FROM');
      // FROM 'zookeeper/path' (FETCH PARTITION) is a string: the scan goes on over it.
      if (c.isName()) {
        const source = readQualifiedName(c);
        if (source !== undefined) facts.noteTableRead(source);
      }
    } else if (word === 'TO') {
      c.acceptWord('TO');
      if (c.acceptWord('TABLE')) facts.noteTableWritten(expectQualifiedName(c));
    } else if (word === 'QUERY' && c.isWord('MODIFY', -1)) {
      c.acceptWord('QUERY');
      parseQuery(ctx);
    } else if (word !== '') {
      c.pos++;
    } else {
      c.fail('unexpected token in ALTER');
    }
  }
}
