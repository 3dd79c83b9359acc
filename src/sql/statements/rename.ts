import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * RENAME [TABLE|DICTIONARY] a TO b [, c TO d ...] → both sides of every pair written
 * RENAME DATABASE a TO b                            → both databases written
 * EXCHANGE TABLES|DICTIONARIES a AND b              → both written
 */
export function parseRenameStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const facts = ctx.facts;
  c.expectWord('RENAME');
  if (c.acceptWord('DATABASE')) {
    facts.databasesWritten.add(expectQualifiedName(c).text);
    c.expectWord('TO');
    facts.databasesWritten.add(expectQualifiedName(c).text);
  } else {
    if (!c.acceptWord('TABLE')) c.acceptWord('DICTIONARY');
    do {
      facts.noteTableWritten(expectQualifiedName(c));
      c.expectWord('TO');
      facts.noteTableWritten(expectQualifiedName(c));
    } while (c.acceptPunct(','));
  }
  skipRest(c);
  return { type: 'rename', route: 'write' };
}

export function parseExchangeStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  const facts = ctx.facts;
  c.expectWord('EXCHANGE');
  if (!c.acceptWord('TABLES')) c.expectWord('DICTIONARIES');
  facts.noteTableWritten(expectQualifiedName(c));
  c.expectWord('AND');
  facts.noteTableWritten(expectQualifiedName(c));
  skipRest(c);
  return { type: 'exchange', route: 'write' };
}
