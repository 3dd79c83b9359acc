import { randomUUID } from 'node:crypto';
import { ChgateError } from '../errors/error-catalogue.js';

/** What chgate holds for one HTTP session (`session_id`) between requests. */
export interface HeldSessionState {
  /** From the last USE; undefined: none yet. */
  readonly database: string | undefined;
  /** From SETs, in order; a later SET of the same name replaced the earlier one. */
  readonly settings: ReadonlyArray<readonly [string, string]>;
  /** The writer node holding the session's ClickHouse-side state (temporary tables), once pinned. */
  readonly pinnedNode: string | undefined;
  /**
   * The `session_id` ClickHouse sees once the session is pinned: new for every session chgate creates, so proxy users
   * sharing one backend user never share a ClickHouse session, and a session that expired here never finds the
   * temporary tables of its predecessor still on the server.
   */
  readonly backendSessionId: string;
}

/** What one request changed; absent fields stay as they were. */
export interface SessionChanges {
  database?: string | undefined;
  settings?: ReadonlyArray<readonly [string, string]>;
  pinnedNode?: string | undefined;
}

/** One request's hold on a session: ClickHouse runs one query at a time per session, and so does chgate. */
export interface SessionLease {
  readonly state: HeldSessionState;
  /** Records the request's changes and unlocks; the session expires `timeoutSeconds` after this. Idempotent. */
  release(changes?: SessionChanges): void;
}

export interface AcquireOptions {
  /** The request's `session_timeout` (or the default): idle time after this request before the session expires. */
  timeoutSeconds: number;
  /** `session_check=1`: an unknown session is an error instead of a new one. */
  check: boolean;
  /** Live sessions allowed at once (from the config of the moment: a reload may change it). */
  maxSessions: number;
}

export interface SessionRegistry {
  /** Throws SESSION_NOT_FOUND, SESSION_IS_LOCKED, or TOO_MANY_SIMULTANEOUS_QUERIES when no session can be added. */
  acquire(user: string, sessionId: string, options: AcquireOptions): SessionLease;
  /** Drops expired sessions; returns how many. */
  sweep(): number;
  size(): number;
}

export interface SessionRegistryOptions {
  now?: () => number;
  newBackendSessionId?: () => string;
}

interface SessionRecord {
  state: HeldSessionState;
  lastUsedMs: number;
  timeoutMs: number;
  isLocked: boolean;
}

// Expired sessions are dropped when met, when the registry is full, and at most this often otherwise.
const sweepIntervalMs = 10_000;

/**
 * Sessions by proxy user and `session_id` (ClickHouse keys them by user too, so one user cannot reach another's
 * session by guessing its id). In memory: a client must keep talking to the same chgate instance.
 */
export function createSessionRegistry(options: SessionRegistryOptions = {}): SessionRegistry {
  const now = options.now ?? Date.now;
  const newBackendSessionId = options.newBackendSessionId ?? (() => `chgate-${randomUUID()}`);
  const sessions = new Map<string, SessionRecord>();
  let lastSweepMs = now();

  const isExpired = (record: SessionRecord, at: number): boolean => !record.isLocked && at - record.lastUsedMs >= record.timeoutMs;

  function sweep(): number {
    const at = now();
    lastSweepMs = at;
    let removed = 0;
    for (const [key, record] of sessions) {
      if (isExpired(record, at)) {
        sessions.delete(key);
        removed++;
      }
    }
    return removed;
  }

  function create(key: string, at: number, maxSessions: number): SessionRecord {
    if (sessions.size >= maxSessions) sweep();
    if (sessions.size >= maxSessions) {
      throw new ChgateError(
        'TOO_MANY_SIMULTANEOUS_QUERIES',
        `too many sessions: ${sessions.size} are live, sessions.max_sessions allows ${maxSessions}; retry when idle sessions have expired`,
      );
    }
    const record: SessionRecord = {
      state: { database: undefined, settings: [], pinnedNode: undefined, backendSessionId: newBackendSessionId() },
      lastUsedMs: at,
      timeoutMs: 0,
      isLocked: false,
    };
    sessions.set(key, record);
    return record;
  }

  return {
    acquire(user, sessionId, { timeoutSeconds, check, maxSessions }) {
      const at = now();
      if (at - lastSweepMs >= sweepIntervalMs) sweep();
      const key = JSON.stringify([user, sessionId]);
      let record = sessions.get(key);
      if (record && isExpired(record, at)) {
        sessions.delete(key);
        record = undefined;
      }
      // ClickHouse's own texts, so clients that match on them keep working.
      if (!record && check) throw new ChgateError('SESSION_NOT_FOUND', 'Session not found');
      if (record?.isLocked) throw new ChgateError('SESSION_IS_LOCKED', 'Session is locked by a concurrent client');
      const held = record ?? create(key, at, maxSessions);
      held.isLocked = true;
      let released = false;
      return {
        state: held.state,
        release(changes = {}) {
          if (released) return;
          released = true;
          held.state = {
            database: 'database' in changes ? changes.database : held.state.database,
            settings: changes.settings ?? held.state.settings,
            pinnedNode: 'pinnedNode' in changes ? changes.pinnedNode : held.state.pinnedNode,
            backendSessionId: held.state.backendSessionId,
          };
          held.lastUsedMs = now();
          held.timeoutMs = timeoutSeconds * 1000;
          held.isLocked = false;
        },
      };
    },
    sweep,
    size: () => sessions.size,
  };
}
