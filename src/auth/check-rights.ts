import { ChgateError } from '../errors/error-catalogue.js';
import type { StatementClassification, StatementType } from '../sql/types.js';

/** What a user may run, from its config (`readonly`, `deny_ddl`). */
export interface UserRights {
  name: string;
  readonly: boolean;
  denyDdl: boolean;
}

/**
 * Statement kinds `deny_ddl` refuses: schema, access and server administration. INSERT, DELETE / UPDATE (data) and
 * OPTIMIZE stay allowed. ALTER is refused whole, mutations (ALTER ... UPDATE / DELETE) included: one keyword covers
 * both schema and data changes, and the classifier's type does not tell them apart.
 */
const ddlTypes: ReadonlySet<StatementType> = new Set<StatementType>([
  'create', 'alter', 'drop', 'truncate', 'rename', 'exchange', 'attach', 'detach', 'grant', 'revoke', 'system', 'other',
]);

/**
 * Refuses a whole body when any statement of it is beyond the user's rights, before anything runs: a body mixing
 * reads with one forbidden write is refused whole, never half-run. Pure: no I/O.
 *
 * readonly: only reads, plain SET and USE (what chgate holds itself) pass; everything else, including statements
 * that cannot be classified and session statements chgate cannot replay (SET ROLE), is refused with READONLY
 * (code 164, HTTP 403), what ClickHouse answers a readonly user's write with.
 * deny_ddl: DDL and administrative statements (above) and anything that cannot be classified are refused with
 * ACCESS_DENIED (code 497, HTTP 403), ClickHouse's "not enough privileges". CREATE / DROP TEMPORARY TABLE pass: they
 * live in one session and change no schema.
 */
export function checkRights(user: UserRights, statements: readonly { classification: StatementClassification }[]): void {
  if (!user.readonly && !user.denyDdl) return;
  statements.forEach(({ classification }, index) => {
    const where = statements.length > 1 ? ` (statement ${index + 1} of ${statements.length}; nothing was run)` : '';
    const what = classification.unknown ? 'a statement chgate cannot classify' : classification.type.toUpperCase();
    if (user.readonly && !isReadOnlyStatement(classification)) {
      throw new ChgateError('READONLY', `${user.name}: Cannot execute query in readonly mode: the user is read-only and the body has ${what}${where}`);
    }
    if (user.denyDdl && isDdl(classification)) {
      throw new ChgateError('ACCESS_DENIED', `${user.name}: Not enough privileges: the user may not run DDL (deny_ddl) and the body has ${what}${where}`);
    }
  });
}

export function isReadOnlyStatement(classification: StatementClassification): boolean {
  if (classification.unknown) return false;
  if (classification.route === 'read') return true;
  if (classification.route === 'session') return classification.session?.kind === 'set' || classification.session?.kind === 'use';
  return false;
}

function isDdl(classification: StatementClassification): boolean {
  if (classification.unknown) return true;
  if (classification.sessionScoped) return false;
  return classification.route === 'write' && ddlTypes.has(classification.type);
}
