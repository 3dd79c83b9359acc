import type { StatementClassification } from '../sql/types.js';

/** writer / reader: a ClickHouse node of that role; local: chgate applies the statement itself (SET, USE). */
export type RouteTarget = 'writer' | 'reader' | 'local';

export type RouteReason =
  | 'read'
  | 'write'
  | 'unclassified'
  | 'session-statement'
  | 'unreplayable-session-statement'
  | 'http-session'
  | 'read-after-write';

export interface RouteDecision {
  target: RouteTarget;
  reason: RouteReason;
  /** The ClickHouse user it runs as: a read never runs with write credentials, wherever it runs. */
  identity: 'read' | 'write';
}

export interface RouteContext {
  /** The client passed `session_id`: its SETs live on one server, so every statement must reach that server. */
  hasHttpSession: boolean;
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
  if (context.hasHttpSession) return { target: 'writer', reason: 'http-session', identity: 'write' };
  if (classification.unknown) return { target: 'writer', reason: 'unclassified', identity: 'write' };
  if (classification.route === 'session') {
    const kind = classification.session?.kind;
    return kind === 'use' || kind === 'set'
      ? { target: 'local', reason: 'session-statement', identity: 'read' }
      : { target: 'writer', reason: 'unreplayable-session-statement', identity: 'write' };
  }
  if (classification.route === 'read') {
    return context.isRecentlyWritten?.(classification, database)
      ? { target: 'writer', reason: 'read-after-write', identity: 'read' }
      : { target: 'reader', reason: 'read', identity: 'read' };
  }
  return { target: 'writer', reason: 'write', identity: 'write' };
}

/** The route a client sees in X-Chgate-Route: where the statement ran, not only what it is. */
export function routeLabel(decision: RouteDecision): 'read' | 'write' | 'session' {
  if (decision.target === 'local') return 'session';
  return decision.identity;
}
