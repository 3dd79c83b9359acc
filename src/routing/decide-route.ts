import type { StatementClassification } from '../sql/types.js';

/** writer / reader: a ClickHouse node of that role; local: chgate applies the statement itself (SET, USE). */
export type RouteTarget = 'writer' | 'reader' | 'local';

export type RouteReason =
  | 'read'
  | 'write'
  | 'unclassified'
  | 'session-statement'
  | 'unreplayable-session-statement'
  /** With session_id: the statement leaves state on one server (temporary table, SET ROLE, unknown SQL). */
  | 'pins-session'
  /** With session_id, after pinning: the session's temporary tables are on one node, every statement goes there. */
  | 'pinned-session'
  | 'read-after-write'
  /** A query rule's `route` (README "Query rules"). */
  | 'rule';

export interface RouteDecision {
  target: RouteTarget;
  reason: RouteReason;
  /** The ClickHouse user it runs as: a read never runs with write credentials, wherever it runs. */
  identity: 'read' | 'write';
}

/** Where an HTTP session (`session_id`) stands when a body starts: chgate holds its SET / USE state. */
export interface SessionStart {
  /** From an earlier USE, unless the request's `database` parameter overrides it. */
  database: string | undefined;
  /** From earlier SETs, less those the request's own URL parameters override. */
  settings: ReadonlyArray<readonly [string, string]>;
  /** The session already lives on one writer node. */
  pinned: boolean;
}

export interface RouteContext {
  /** Present when the client passed `session_id`. */
  session?: SessionStart | undefined;
  /**
   * A table this read looks at was written through chgate moments ago: replicas may not have the write yet, so
   * the read goes to the writer (as the read-only user), which has every acknowledged write.
   */
  isRecentlyWritten?: (classification: StatementClassification, database: string | undefined) => boolean;
  /** The request's `database` parameter; USE inside a body overrides it for later statements. */
  database?: string | undefined;
}

/** Where one statement goes and why. Anything not surely a read goes to the writer. */
export function decideRoute(
  classification: StatementClassification,
  context: RouteContext,
  database: string | undefined = context.database,
): RouteDecision {
  if (isAppliedLocally(classification)) return { target: 'local', reason: 'session-statement', identity: 'read' };
  if (context.session) {
    // A pinned session's reads may name its temporary tables, which only that node has; ClickHouse keeps a
    // session per user, so it always runs as the write user there.
    if (context.session.pinned) return { target: 'writer', reason: 'pinned-session', identity: 'write' };
    if (pinsSession(classification)) return { target: 'writer', reason: 'pins-session', identity: 'write' };
  }
  if (classification.unknown) return { target: 'writer', reason: 'unclassified', identity: 'write' };
  if (classification.route === 'session') return { target: 'writer', reason: 'unreplayable-session-statement', identity: 'write' };
  if (classification.route === 'read') {
    return context.isRecentlyWritten?.(classification, database)
      ? { target: 'writer', reason: 'read-after-write', identity: 'read' }
      : { target: 'reader', reason: 'read', identity: 'read' };
  }
  return { target: 'writer', reason: 'write', identity: 'write' };
}

/** SET and USE with values chgate can replay as URL parameters: chgate applies them to later statements. */
function isAppliedLocally(classification: StatementClassification): boolean {
  if (classification.unknown || classification.route !== 'session') return false;
  const kind = classification.session?.kind;
  return kind === 'use' || kind === 'set';
}

/**
 * In a session, statements that leave state chgate cannot hold on one ClickHouse server: temporary tables,
 * session statements it cannot replay (SET ROLE, SET x = DEFAULT), and SQL it cannot classify (it may be either).
 */
function pinsSession(classification: StatementClassification): boolean {
  if (classification.unknown || classification.sessionScoped === true) return true;
  return classification.route === 'session' && !isAppliedLocally(classification);
}

/** The route a client sees in X-Chgate-Route: where the statement ran, not only what it is. */
export function routeLabel(decision: RouteDecision): 'read' | 'write' | 'session' {
  if (decision.target === 'local') return 'session';
  return decision.identity;
}
