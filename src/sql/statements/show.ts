import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { isAccessEntityAt } from './object-kinds.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * SHOW ... is a read of server metadata. The table it looks at is read:
 *   SHOW CREATE [TEMPORARY] [TABLE|VIEW|DICTIONARY] [db.]t
 *   SHOW [EXTENDED] [FULL] COLUMNS|FIELDS|INDEX|INDEXES|INDICES|KEYS FROM|IN t [FROM|IN db]
 * Everything else (SHOW TABLES, DATABASES, PROCESSLIST, GRANTS, SETTINGS, ...) names no table.
 */
export function parseShowStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const facts = ctx.facts;
  c.expectWord('SHOW');
  if (c.acceptWord('CREATE')) {
    if (!c.acceptWord('DATABASE') && !isAccessEntityAt(c)) {
      c.acceptWord('TEMPORARY');
      if (!(c.acceptWord('TABLE') || c.acceptWord('DICTIONARY') || c.acceptWord('VIEW'))) {
        c.acceptWords('MATERIALIZED', 'VIEW');
      }
      facts.noteTableRead(expectQualifiedName(c));
    }
  } else {
    c.acceptWord('EXTENDED');
    c.acceptWord('FULL');
    const word = c.word();
    const lists = word === 'COLUMNS' || word === 'FIELDS' || word === 'INDEX' || word === 'INDEXES' ||
      word === 'INDICES' || word === 'KEYS';
    if (lists && (c.isWord('FROM', 1) || c.isWord('IN', 1))) {
      c.pos += 2;
      const table = expectQualifiedName(c);
      if (table.database === undefined && (c.acceptWord('FROM') || c.acceptWord('IN')) && c.isName()) {
        const database = expectQualifiedName(c).name;
        facts.noteTableRead({ database, name: table.name, text: `${database}.${table.name}` });
      } else {
        facts.noteTableRead(table);
      }
    }
  }
  skipRest(c);
  return { type: 'show', route: 'read' };
}
