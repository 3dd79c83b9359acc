import { isQueryStart, scanExpression, scanParameter } from '../expression-scanner.js';
import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { acceptIfNotExists, acceptOnCluster, skipRest } from './common-clauses.js';
import { acceptDatabaseOrAccessEntity, acceptIndexOn, acceptTableKind } from './object-kinds.js';
import { parseQuery, parseTableFunction } from './select.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * CREATE [OR REPLACE] | REPLACE | ATTACH, for
 *   [TEMPORARY] TABLE, [MATERIALIZED | LIVE | WINDOW] VIEW, DICTIONARY  → the object is written;
 *     `AS SELECT ...` reads its tables, `AS [db.]src` reads src, `AS f(...)` uses a table
 *     function, a materialized / window view's `TO [db.]dest` writes dest;
 *   DATABASE → databasesWritten;
 *   [UNIQUE] INDEX i ON t → t is written;
 *   USER, ROLE, QUOTA, ROW POLICY, SETTINGS PROFILE, NAMED COLLECTION, FUNCTION, ... → no tables.
 */

const TAIL_STOPS: ReadonlySet<string> = new Set(['AS', 'TO', 'FROM']);

export function parseCreateStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const facts = ctx.facts;
  const verb = c.word();
  const outcome: StatementOutcome = { type: verb === 'ATTACH' ? 'attach' : 'create', route: 'write' };
  c.acceptWord(verb);
  if (verb === 'CREATE') c.acceptWords('OR', 'REPLACE');

  if (acceptDatabaseOrAccessEntity(ctx) || acceptIndexOn(ctx)) return outcome;
  if (c.acceptWord('TEMPORARY')) outcome.sessionScoped = true;
  const isObject = acceptTableKind(c);
  // `ATTACH db.t` (short form for a detached table) names no kind.
  if (!isObject && verb !== 'ATTACH') c.fail('unsupported CREATE');
  acceptIfNotExists(c);
  if (c.isPunct('{')) {
    scanParameter(ctx);
    facts.hasUnresolvedTable = true;
  } else {
    facts.noteTableWritten(expectQualifiedName(c));
  }
  if (c.acceptWord('UUID')) c.next();
  acceptOnCluster(c);
  parseCreateTail(ctx);
  return outcome;
}

/** Columns, engine and clauses (scanned as expressions) up to AS, TO and FROM. */
function parseCreateTail(ctx: ParseContext): void {
  const c = ctx.cursor;
  const facts = ctx.facts;
  for (;;) {
    scanExpression(ctx, { stops: TAIL_STOPS });
    if (c.atEnd()) return;
    const word = c.word();
    if (word === 'AS') {
      c.acceptWord('AS');
      // ATTACH TABLE t AS [NOT] REPLICATED converts the engine; it names no source.
      if (c.acceptWord('REPLICATED') || c.acceptWords('NOT', 'REPLICATED')) continue;
      if (isQueryStart(c) || c.isPunct('(')) {
        parseQuery(ctx);
      } else if (c.isName() && c.isPunct('(', 1)) {
        parseTableFunction(ctx);
      } else {
        facts.noteTableRead(expectQualifiedName(c));
      }
    } else if (word === 'TO') {
      c.acceptWord('TO');
      // TTL ... TO DISK 'd' / TO VOLUME 'v' moves data, it names no table.
      if ((c.isWord('DISK') || c.isWord('VOLUME')) && c.peek(1)?.kind === 'string') continue;
      facts.noteTableWritten(expectQualifiedName(c));
    } else if (word === 'FROM') {
      // ATTACH TABLE t FROM 'path': a directory, not a table.
      c.acceptWord('FROM');
    } else {
      c.fail('unexpected token in CREATE');
    }
  }
}
