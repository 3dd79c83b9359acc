import type { SessionsConfig } from '../config/config.js';
import { ChgateError } from '../errors/error-catalogue.js';
import type { SessionStart } from '../routing/decide-route.js';
import type { PlannedStatement } from '../routing/plan-body.js';
import type { DecodedRequest } from '../server/decode-request.js';
import type { NodeChoice, UpstreamCluster } from '../upstream/upstream-cluster.js';
import { readSessionRequest } from './session-params.js';
import type { HeldSessionState, SessionLease, SessionRegistry } from './session-registry.js';

/**
 * One request's use of an HTTP session, from lock to unlock. chgate holds the session's SET / USE state and applies
 * it to every statement, so reads still go to replicas; once a statement leaves state only one server can keep (a
 * temporary table), the session is pinned to the writer node that ran it, and every later statement goes there.
 */
export interface HttpSession {
  /** The session's state as this request starts, for planning. */
  readonly start: SessionStart;
  /** Sends the statements that must reach the session's node there (in place); call once, with the plan's choices. */
  placeStatements(plan: readonly PlannedStatement[], choices: (NodeChoice | undefined)[], cluster: UpstreamCluster): void;
  /** The request as statements are sent: ClickHouse sees chgate's id for the session and its effective timeout. */
  forward(decoded: DecodedRequest): DecodedRequest;
  /** A statement ran to its end without error (statements run in order and stop at the first failure). */
  noteRan(index: number): void;
  /** Keeps what the statements that ran changed, and unlocks the session. Idempotent. */
  end(): void;
}

/**
 * Locks the request's session (undefined without `session_id`). Throws ClickHouse's errors: INVALID_SESSION_TIMEOUT,
 * SESSION_NOT_FOUND for `session_check=1` on an unknown session, SESSION_IS_LOCKED while another request runs in it.
 */
export function openHttpSession(registry: SessionRegistry, config: SessionsConfig, user: string, params: URLSearchParams): HttpSession | undefined {
  const request = readSessionRequest(params, config);
  if (!request) return undefined;
  const lease = registry.acquire(user, request.id, { timeoutSeconds: request.timeoutSeconds, check: request.check, maxSessions: config.maxSessions });
  return createHttpSession(lease, request.timeoutSeconds, params);
}

function createHttpSession(lease: SessionLease, timeoutSeconds: number, params: URLSearchParams): HttpSession {
  const held = lease.state;
  let placed: { plan: readonly PlannedStatement[]; choices: readonly (NodeChoice | undefined)[] } | undefined;
  let ranUpTo = 0;
  return {
    start: startOf(held, params),
    placeStatements(plan, choices, cluster) {
      placed = { plan, choices };
      let sessionChoice: NodeChoice | undefined;
      for (const [index, step] of plan.entries()) {
        const choice = choices[index];
        if (!choice || (step.session !== 'pins' && step.session !== 'pinned')) continue;
        // The pipeline picked a writer, as the write user; a pinned session keeps its node.
        sessionChoice ??= held.pinnedNode === undefined ? choice : { ...choice, node: findPinnedNode(cluster, held.pinnedNode) };
        choices[index] = sessionChoice;
      }
    },
    forward(decoded) {
      const forwarded = new URLSearchParams(decoded.params);
      forwarded.set('session_id', held.backendSessionId);
      forwarded.set('session_timeout', String(timeoutSeconds));
      return { ...decoded, params: forwarded };
    },
    noteRan(index) {
      if (index === ranUpTo) ranUpTo++;
    },
    end() {
      lease.release(placed ? changesMade(held, placed.plan.slice(0, ranUpTo), placed.choices) : {});
    },
  };
}

/**
 * The session's state as a body's starting point. The request's own `database` and setting parameters override the
 * session's for this request, as in ClickHouse (the query's settings apply on top of the session's).
 */
function startOf(held: HeldSessionState, params: URLSearchParams): SessionStart {
  return {
    database: params.has('database') ? undefined : held.database,
    settings: held.settings.filter(([name]) => !params.has(name)),
    pinned: held.pinnedNode !== undefined,
  };
}

function findPinnedNode(cluster: UpstreamCluster, name: string) {
  const node = cluster.nodes.find((each) => each.name === name && each.role === 'writer');
  if (!node) throw new ChgateError('SESSION_NOT_FOUND', `the session's node ${name} is no longer configured, and its temporary tables with it`);
  return node;
}

/** SET / USE of the statements that ran, and the node a pinning statement ran on. */
function changesMade(held: HeldSessionState, ran: readonly PlannedStatement[], choices: readonly (NodeChoice | undefined)[]) {
  let database = held.database;
  const settings = new Map(held.settings);
  let pinnedNode = held.pinnedNode;
  for (const [index, step] of ran.entries()) {
    const effect = step.classification.session;
    if (step.decision.target === 'local' && effect?.kind === 'use') database = effect.database;
    if (step.decision.target === 'local' && effect?.kind === 'set') {
      for (const [name, value] of Object.entries(effect.settings)) {
        settings.delete(name);
        settings.set(name, value);
      }
    }
    // choices[index] is the node the statement finally ran on (a retry may have moved it).
    if (step.session === 'pins') pinnedNode ??= choices[index]?.node.name;
  }
  return { database, settings: [...settings], pinnedNode };
}
