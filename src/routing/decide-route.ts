import type { StatementClassification } from '../sql/types.js';

/** writer / reader: a ClickHouse node of that role; local: chgate applies the statement itself (SET, USE). */
export type RouteTarget = 'writer' | 'reader' | 'local';

export type RouteReason =
  | 'read'
  | 'write'
  | 'unclassified'
  | 'session-statement'
  | 'unreplayable-session-statement'
  | 'http-session';

export interface RouteDecision {
  target: RouteTarget;
  reason: RouteReason;
}

export interface RouteContext {
  /** The client passed `session_id`: its SETs live on one server, so every statement must reach that server. */
  hasHttpSession: boolean;
}

/** Where one statement goes and why. Anything not surely a read goes to the writer. */
export function decideRoute(classification: StatementClassification, context: RouteContext): RouteDecision {
  if (context.hasHttpSession) return { target: 'writer', reason: 'http-session' };
  if (classification.unknown) return { target: 'writer', reason: 'unclassified' };
  if (classification.route === 'session') {
    const kind = classification.session?.kind;
    return kind === 'use' || kind === 'set'
      ? { target: 'local', reason: 'session-statement' }
      : { target: 'writer', reason: 'unreplayable-session-statement' };
  }
  if (classification.route === 'read') return { target: 'reader', reason: 'read' };
  return { target: 'writer', reason: 'write' };
}

/** The route a client sees in X-Chgate-Route: where the statement ran, not only what it is. */
export function routeLabel(decision: RouteDecision): 'read' | 'write' | 'session' {
  if (decision.target === 'local') return 'session';
  return decision.target === 'reader' ? 'read' : 'write';
}
