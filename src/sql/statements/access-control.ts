import type { TokenCursor } from '../token-cursor.js';
import { skipRest } from './common-clauses.js';
import type { StatementOutcome } from './statement-outcome.js';

/**
 * Access control: GRANT, REVOKE and the CREATE / ALTER / DROP of users, roles, quotas, row
 * policies, settings profiles (and other server-level objects without tables: named
 * collections, functions, workloads, resources). Writes of unknown scope: no table targets.
 */

const ENTITY_WORDS: readonly (readonly string[])[] = [
  ['USER'], ['ROLE'], ['QUOTA'], ['ROW', 'POLICY'], ['POLICY'], ['MASKING', 'POLICY'], ['SETTINGS', 'PROFILE'],
  ['PROFILE'], ['NAMED', 'COLLECTION'], ['FUNCTION'], ['WORKLOAD'], ['RESOURCE'], ['USERS'], ['ROLES'],
  ['QUOTAS'], ['POLICIES'], ['PROFILES'],
];

/** At a server-level object kind (USER, ROLE, ROW POLICY, ...): flags it as a keyword. */
export function isAccessEntityAt(c: TokenCursor): boolean {
  for (const words of ENTITY_WORDS) {
    if (words.every((word, i) => c.word(i) === word)) {
      for (let i = 0; i < words.length; i++) c.markKeyword(i);
      return true;
    }
  }
  return false;
}

export function parseGrantStatement(c: TokenCursor): StatementOutcome {
  const type = c.word() === 'GRANT' ? 'grant' : 'revoke';
  c.markKeyword();
  skipRest(c);
  return { type, route: 'write' };
}
