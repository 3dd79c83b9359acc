import { expectQualifiedName } from '../names.js';
import type { ParseContext } from '../parse-context.js';
import type { StatementOutcome } from './statement-outcome.js';

/** USE [DATABASE] db: session state, replayed as the `database` URL parameter. */
export function parseUseStatement(ctx: ParseContext): StatementOutcome {
  const c = ctx.cursor;
  c.expectWord('USE');
  if (c.isWord('DATABASE') && c.isName(1)) c.acceptWord('DATABASE');
  const name = expectQualifiedName(c);
  if (name.database !== undefined) c.fail('expected a database name');
  return { type: 'use', route: 'session', session: { kind: 'use', database: name.name } };
}
