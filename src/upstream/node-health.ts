/**
 * Health of one ClickHouse node: active checks (`/ping`, `SELECT 1` as the node's user, replica lag) and passive
 * signals from real traffic drive a small state machine that the node picker consults. Knows no SQL beyond its probes.
 *
 *   healthy    --active check fails / N consecutive passive failures / lag over the limit-->  ejected
 *   ejected    --`healthyChecksToReturn` consecutive good checks-->                          recovering
 *   recovering --`recoveryMs` without a failure-->                                           healthy
 *   recovering --any failure-->                                                              ejected
 *
 * A recovering node gets a share of picks growing linearly from 10% to 100% over `recoveryMs`, so a node that just
 * came back (cold caches, a queue of replication work) is not flooded at once.
 */
import { backendUserHeaders } from './backend-user-headers.js';
import { Client } from 'undici';
import type { UpstreamTlsConfig } from '../config/config.js';
import { isSocketFailure } from './describe-upstream-failure.js';
import { upstreamTlsOptions } from './upstream-tls.js';
import { idleSocketOptions } from './idle-socket-options.js';

export type HealthState = 'healthy' | 'ejected' | 'recovering';
export type PassiveFailureKind = 'connect' | 'timeout' | 'socket' | 'http-5xx';

export interface NodeHealth {
  state(): HealthState;
  /** Why the node is in its state: 'ok', 'lagging', or what failed. */
  reason(): string;
  /** False while ejected. While recovering, true for a growing share of picks (10% → 100% over `recoveryMs`). */
  isAvailable(nowMs?: number): boolean;
  /**
   * A failure of real traffic: connection refused/reset, timeout, or a 5xx that is not a ClickHouse query error
   * (the caller decides; a query error says nothing about the node). `consecutiveFailures` of them eject the node.
   */
  reportFailure(kind: PassiveFailureKind): void;
  /** A request to the node succeeded: resets the count of consecutive passive failures. */
  reportSuccess(): void;
  /** Replica lag in seconds from the last check (undefined if unknown or not measured, as for a writer). */
  lagSeconds(): number | undefined;
  /**
   * Wall-clock time (ms) up to which this replica is known to have every insert: the last good check's start minus
   * its lag and a second (absolute_delay is in whole seconds). Undefined when lag is not measured or unknown.
   */
  caughtUpToMs(): number | undefined;
}

export interface CheckedNodeHealth extends NodeHealth {
  /** Runs one active check (bounded by `timeoutMs`) and applies its outcome. Never rejects. */
  runCheck(probe: HealthProbe): Promise<void>;
}

export interface HealthProbe {
  /** Resolves when the node answers `/ping`; rejects with the reason otherwise. */
  ping(): Promise<void>;
  /** `SELECT 1` as the node's user. */
  select1(): Promise<void>;
  /** `max(absolute_delay)` over `system.replicas`, in seconds (0 when there are no replicated tables). */
  replicaDelay?(): Promise<number>;
  /** Lets go of the probe's connection (the monitor stopped). */
  close?(): Promise<void>;
}

export interface HealthMonitorOptions {
  /** Between the starts of two active checks of a node. */
  intervalMs: number;
  /** Whole active check (ping + SELECT 1 + lag); a check that takes longer fails. */
  timeoutMs: number;
  /** Consecutive passive failures that eject a node (one failed active check ejects at once). */
  consecutiveFailures: number;
  /** Consecutive successful active checks that take an ejected node to recovering. */
  healthyChecksToReturn: number;
  /** How long a recovering node takes to get its full share of picks. */
  recoveryMs: number;
  /** A replica lagging more than this is ejected with reason 'lagging'. Undefined: lag is not limited. */
  maxReplicaLagSeconds: number | undefined;
  now: () => number;
  onStateChange?(node: string, from: HealthState, to: HealthState, reason: string): void;
}

export const DEFAULT_HEALTH_OPTIONS: Readonly<HealthMonitorOptions> = {
  intervalMs: 1_000,
  timeoutMs: 1_000,
  consecutiveFailures: 3,
  healthyChecksToReturn: 2,
  recoveryMs: 5_000,
  maxReplicaLagSeconds: undefined,
  now: () => Date.now(),
};

/** The share of picks a recovering node starts with. */
const RECOVERY_START_SHARE = 0.1;

export function createNodeHealth(name: string, options: Partial<HealthMonitorOptions> = {}): CheckedNodeHealth {
  const opts = resolveOptions(options);
  let state: HealthState = 'healthy';
  let reason = 'ok';
  let passiveFailures = 0;
  let goodChecks = 0;
  let recoveringSince = 0;
  // Error diffusion instead of randomness: over any run of picks the node gets its share to within one pick, and
  // tests are deterministic.
  let pickCredit = 0;
  let lag: number | undefined;
  let caughtUpTo: number | undefined;
  let checking = false;

  const transition = (to: HealthState, why: string): void => {
    const from = state;
    state = to;
    reason = why;
    if (to === 'recovering') {
      recoveringSince = opts.now();
      pickCredit = 0;
    }
    if (to !== 'ejected') goodChecks = 0;
    passiveFailures = 0;
    if (from !== to) opts.onStateChange?.(name, from, to, why);
  };

  /** Time-driven move: a recovering node whose ramp has run its course is healthy. */
  const advance = (nowMs: number): void => {
    if (state === 'recovering' && nowMs - recoveringSince >= opts.recoveryMs) transition('healthy', 'ok');
  };

  const eject = (why: string): void => {
    advance(opts.now());
    if (state === 'ejected') {
      goodChecks = 0;
      reason = why;
    } else {
      transition('ejected', why);
    }
  };

  const checkSucceeded = (): void => {
    advance(opts.now());
    if (state !== 'ejected') return;
    goodChecks += 1;
    if (goodChecks >= opts.healthyChecksToReturn) transition('recovering', 'checks passed');
  };

  const activeCheck = async (probe: HealthProbe): Promise<number | undefined> => {
    await probe.ping();
    await probe.select1();
    return probe.replicaDelay ? probe.replicaDelay() : undefined;
  };

  return {
    state() {
      advance(opts.now());
      return state;
    },
    reason() {
      advance(opts.now());
      return reason;
    },
    isAvailable(nowMs = opts.now()) {
      advance(nowMs);
      if (state === 'healthy') return true;
      if (state === 'ejected') return false;
      pickCredit += recoveryShare(nowMs - recoveringSince, opts.recoveryMs);
      // The epsilon: ten additions of 0.1 fall just short of 1 in floating point.
      if (pickCredit < 1 - 1e-9) return false;
      pickCredit -= 1;
      return true;
    },
    reportFailure(kind) {
      advance(opts.now());
      if (state === 'recovering') return eject(`${kind} failure while recovering`);
      if (state === 'ejected') {
        // Evidence the node is still bad: the return starts over.
        goodChecks = 0;
        return;
      }
      passiveFailures += 1;
      if (passiveFailures >= opts.consecutiveFailures) eject(`${passiveFailures} consecutive failures (last: ${kind})`);
    },
    reportSuccess() {
      passiveFailures = 0;
    },
    lagSeconds: () => lag,
    caughtUpToMs: () => caughtUpTo,
    async runCheck(probe) {
      // One check at a time: a slow node must not pile up probes.
      if (checking) return;
      checking = true;
      const startedAt = opts.now();
      try {
        lag = await withTimeout(activeCheck(probe), opts.timeoutMs);
        caughtUpTo = lag === undefined ? undefined : startedAt - (lag + 1) * 1000;
      } catch (error) {
        lag = undefined;
        caughtUpTo = undefined;
        eject(`check failed: ${describeError(error)}`);
        return;
      } finally {
        checking = false;
      }
      if (lag !== undefined && opts.maxReplicaLagSeconds !== undefined && lag > opts.maxReplicaLagSeconds) {
        eject('lagging');
      } else {
        checkSucceeded();
      }
    },
  };
}

/** Share of picks a node gets `elapsedMs` into its recovery: 10% rising linearly to 100% at `recoveryMs`. */
export function recoveryShare(elapsedMs: number, recoveryMs: number): number {
  if (recoveryMs <= 0 || elapsedMs >= recoveryMs) return 1;
  return RECOVERY_START_SHARE + (1 - RECOVERY_START_SHARE) * (Math.max(0, elapsedMs) / recoveryMs);
}

export interface MonitoredNode {
  name: string;
  health: CheckedNodeHealth;
  probe: HealthProbe;
}

/**
 * Checks every node now and then every `intervalMs`. The timer is unref'd: it never keeps the process alive.
 * `stop()` ends the schedule and closes the probes; a check already running finishes (bounded by its timeout) and is
 * applied.
 */
export function startHealthMonitor(
  nodes: readonly MonitoredNode[],
  options: Partial<Pick<HealthMonitorOptions, 'intervalMs'>> = {},
): { stop(): void } {
  const intervalMs = options.intervalMs ?? DEFAULT_HEALTH_OPTIONS.intervalMs;
  const checkAll = (): void => {
    for (const node of nodes) void node.health.runCheck(node.probe);
  };
  checkAll();
  const timer = setInterval(checkAll, intervalMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      for (const node of nodes) void node.probe.close?.();
    },
  };
}

/** How the probes' own connection is kept between checks (the pool's keep_alive_timeout_ms and margin). */
export interface ProbeKeepAlive {
  timeoutMs: number;
  marginMs: number;
}

/**
 * Probes over one keep-alive connection of their own, never the traffic pool, so a check does not wait behind queued
 * queries. Opening a connection per probe cost an idle chgate ~4 ms of CPU per node per second (and the node an
 * accept), so the connection is kept; a probe whose reused socket the node had closed meanwhile (its keep-alive
 * timeout) is sent once more on a fresh one, so a stale socket never ejects a healthy node.
 */
export function createHttpProbe(
  url: string,
  credentials: { user: string; password: string },
  timeoutMs: number,
  tls?: UpstreamTlsConfig,
  keepAlive: ProbeKeepAlive = { timeoutMs: 2_000, marginMs: 1_000 },
): Required<HealthProbe> {
  const parsed = new URL(url);
  const basePath = parsed.pathname.replace(/\/$/, '');
  const client = new Client(parsed.origin, {
    pipelining: 1,
    // Kept as the pool keeps its connections (pool.keep_alive_timeout_ms / keep_alive_margin_ms).
    ...idleSocketOptions(keepAlive.timeoutMs, keepAlive.marginMs),
    // Probes check the node the way traffic reaches it: the same CA and certificate checks.
    ...(tls && parsed.protocol === 'https:' ? { connect: upstreamTlsOptions(tls) } : {}),
  });
  // The request of a check that timed out is still queued or running on the one connection: the next check's first
  // probe would wait behind it, so it is aborted (which also drops its socket).
  let inFlight: AbortController | undefined;
  const sendOnce = async (path: string, sql: string | undefined, fresh: boolean): Promise<string> => {
    inFlight?.abort(new Error('given up: a newer check started'));
    const controller = new AbortController();
    inFlight = controller;
    const response = await client.request({
      path: `${basePath}${path}`,
      method: sql === undefined ? 'GET' : 'POST',
      headers: sql === undefined ? {} : backendUserHeaders(credentials),
      body: sql,
      reset: fresh,
      signal: AbortSignal.any([controller.signal, AbortSignal.timeout(timeoutMs)]),
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) {
      throw new Error(`HTTP ${response.statusCode} from ${path}: ${text.trim().slice(0, 200)}`);
    }
    return text;
  };
  const send = async (path: string, sql?: string): Promise<string> => {
    try {
      return await sendOnce(path, sql, false);
    } catch (error) {
      if (!isSocketFailure(error)) throw error;
      return sendOnce(path, sql, true);
    }
  };
  return {
    async ping() {
      const text = await send('/ping');
      if (text.trim() !== 'Ok.') throw new Error(`unexpected /ping answer: ${text.trim().slice(0, 100)}`);
    },
    async select1() {
      const text = await send('/', 'SELECT 1');
      // A 200 can still end in an exception (ClickHouse streams first): insist on the exact answer.
      if (text.trim() !== '1') throw new Error(`unexpected SELECT 1 answer: ${text.trim().slice(0, 100)}`);
    },
    async replicaDelay() {
      const text = (await send('/', 'SELECT max(absolute_delay) FROM system.replicas FORMAT TabSeparated')).trim();
      const delay = text === '' ? 0 : Number(text);
      if (!Number.isFinite(delay)) throw new Error(`unexpected replica delay answer: ${text.slice(0, 100)}`);
      return delay;
    },
    // A check still running ends with its own timeout; the socket goes once it has.
    close: () => client.close(),
  };
}

function resolveOptions(options: Partial<HealthMonitorOptions>): HealthMonitorOptions {
  // An explicit `undefined` means "the default", as when a config key is absent.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  const resolved: HealthMonitorOptions = { ...DEFAULT_HEALTH_OPTIONS, ...given };
  for (const key of ['intervalMs', 'timeoutMs', 'consecutiveFailures', 'healthyChecksToReturn'] as const) {
    if (!(resolved[key] >= 1)) throw new RangeError(`health option ${key} must be at least 1, got ${resolved[key]}`);
  }
  if (!(resolved.recoveryMs >= 0)) {
    throw new RangeError(`health option recoveryMs must be >= 0, got ${resolved.recoveryMs}`);
  }
  return resolved;
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
  return `${code}${error.message}`;
}
