import type { TokenCursor } from '../token-cursor.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * GRANT and REVOKE change access rights: writes of unknown scope, with no table targets. (The
 * CREATE / ALTER / DROP of users, roles, quotas, ... go through those statements' parsers.)
 */
export function parseGrantStatement(c: TokenCursor): StatementOutcome {
  const type = c.word() === 'GRANT' ? 'grant' : 'revoke';
  c.markKeyword();
  skipRest(c);
  return { type, route: 'write' };
}
