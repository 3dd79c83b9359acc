import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { Client, buildConnector, errors as undiciErrors, type Dispatcher } from 'undici';
import type { NodeConfig, PoolConfig } from '../config/config.js';
import { ChgateError } from '../errors/error-catalogue.js';
import { isSocketFailure } from './describe-upstream-failure.js';
import type { HealthState, NodeHealth } from './node-health.js';
import { idleSocketOptions } from './idle-socket-options.js';
import { upstreamTlsOptions } from './upstream-tls.js';

export type NodeRole = 'writer' | 'reader';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  /** Path and query string, e.g. `/?database=x&query_id=...`. */
  path: string;
  headers: Record<string, string>;
  body: Buffer | Readable | null;
  signal?: AbortSignal;
  /** Overrides the pool's time to response headers for this request. */
  headersTimeoutMs?: number;
  /**
   * The request changes nothing (a read): when it breaks on a reused keep-alive socket before any response byte,
   * it is sent again at once. Without it only a request ClickHouse certainly never read is sent again.
   */
  idempotent?: boolean;
  /**
   * chgate's own short control statement (KILL QUERY): never queued behind traffic. When every connection is busy
   * it goes over a connection of its own, opened for it and closed after.
   */
  urgent?: boolean;
}

export interface UpstreamResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

export interface ConnectionStats {
  /** TCP connections opened since start. */
  opened: number;
  /** Connections open now, idle or busy. */
  open: number;
  /** The most connections that were open at one time. */
  peakOpen: number;
}

/** One ClickHouse node behind a keep-alive pool. Knows nothing about SQL or proxy users. */
export interface UpstreamNode {
  readonly name: string;
  /** Time to response headers for reads, from the pool config. */
  readonly readHeadersTimeoutMs: number;
  readonly role: NodeRole;
  readonly url: string;
  readonly weight: number;
  /** Absent when health checks are off: the node is then always available. */
  readonly health: NodeHealth | undefined;
  /** Requests accepted and not finished: waiting for a connection, or sent and their body not read to the end. */
  inFlight(): number;
  /** Of those, the requests waiting for a free connection. */
  queued(): number;
  connectionStats(): ConnectionStats;
  request(request: UpstreamRequest): Promise<UpstreamResponse>;
  /**
   * Closes the pool once nothing has used the node for `graceMs` (a request that picked the node just before it
   * was removed still gets through). Requests after that fail as if the node refused the connection.
   */
  drain(graceMs: number): Promise<void>;
  /** Takes no new request; those waiting or in flight finish, then the connections close. */
  close(): Promise<void>;
}

export type QueueRejection = 'full' | 'timeout';

export interface UpstreamNodeHooks {
  onConnectionOpened?(node: string): void;
  onConnectionClosed?(node: string): void;
  onHealthChange?(node: string, from: HealthState, to: HealthState, reason: string): void;
  onQueueLength?(node: string, length: number): void;
  onQueueRejected?(node: string, reason: QueueRejection): void;
  /** A queued request got a connection after waiting this long (requests that found one free never waited). */
  onQueueWait?(node: string, seconds: number): void;
  /** A request broke on a reused keep-alive socket before any response byte and was sent again. */
  onStaleSocketRetry?(node: string): void;
}

/** Thrown by a node that was removed from the config and has closed: nothing was sent, so any request may retry. */
export class NodeClosedError extends Error {
  readonly code = 'CHGATE_NODE_CLOSED';
  constructor(node: string) {
    super(`node ${node} was removed from the configuration`);
    this.name = 'NodeClosedError';
  }
}

/** One connection of the pool: an undici Client with a single socket, so chgate knows which socket a request used. */
interface Slot {
  client: Client;
  busy: boolean;
  socket: Socket | undefined;
  /** Responses read to the end on `socket`: above 0, a request on it reuses a keep-alive connection. */
  responsesOnSocket: number;
  /** When the last response on `socket` ended. */
  idleSince: number;
  /** The idle timeout the server announced on `socket` (`Keep-Alive: timeout=N`), in ms. */
  serverKeepAliveMs: number | undefined;
  lastUsed: number;
}

interface Waiter {
  resolve(slot: Slot): void;
  reject(error: Error): void;
}

export function createUpstreamNode(
  config: NodeConfig,
  role: NodeRole,
  pool: PoolConfig,
  hooks: UpstreamNodeHooks = {},
  health?: NodeHealth,
): UpstreamNode {
  const stats: ConnectionStats = { opened: 0, open: 0, peakOpen: 0 };
  const origin = new URL(config.url).origin;
  const basePath = new URL(config.url).pathname.replace(/\/$/, '');
  const connect = buildConnector({ timeout: pool.connectTimeoutMs, ...(config.tls && origin.startsWith('https:') ? upstreamTlsOptions(config.tls) : {}) });
  const waiters: Waiter[] = [];
  /** Requests accepted and not finished, waiting or sent. */
  let accepted = 0;
  let closed = false;
  let lastActivity = Date.now();

  const createSlot = (): Slot => {
    const slot: Slot = { client: undefined as unknown as Client, busy: false, socket: undefined, responsesOnSocket: 0, idleSince: 0, serverKeepAliveMs: undefined, lastUsed: 0 };
    slot.client = new Client(origin, {
      pipelining: 1,
      ...idleSocketOptions(pool.keepAliveTimeoutMs, pool.keepAliveMarginMs),
      headersTimeout: pool.headersTimeoutMs,
      bodyTimeout: pool.bodyTimeoutMs,
      connect(options, callback) {
        connect(options, (error, socket) => {
          if (socket) {
            slot.socket = socket as Socket;
            slot.responsesOnSocket = 0;
            slot.serverKeepAliveMs = undefined;
            stats.opened += 1;
            stats.open += 1;
            stats.peakOpen = Math.max(stats.peakOpen, stats.open);
            hooks.onConnectionOpened?.(config.name);
            socket.once('close', () => {
              stats.open -= 1;
              hooks.onConnectionClosed?.(config.name);
            });
          }
          if (error) callback(renameAltnameError(error), null);
          else if (socket) callback(null, socket);
        });
      },
    });
    return slot;
  };
  const slots = Array.from({ length: pool.connectionsPerNode }, createSlot);

  const hasOpenSocket = (slot: Slot): boolean => slot.socket !== undefined && !slot.socket.destroyed;
  // A warm socket first (no connect), the most recently used of them, so surplus sockets go idle and expire.
  const freeSlot = (): Slot | undefined => {
    let best: Slot | undefined;
    for (const slot of slots) {
      if (slot.busy) continue;
      if (best === undefined) best = slot;
      else if (hasOpenSocket(slot) !== hasOpenSocket(best)) best = hasOpenSocket(slot) ? slot : best;
      else if (slot.lastUsed > best.lastUsed) best = slot;
    }
    return best;
  };

  const onQueueEmpty: (() => void)[] = [];
  const queueChanged = (): void => {
    hooks.onQueueLength?.(config.name, waiters.length);
    if (waiters.length === 0) for (const resolve of onQueueEmpty.splice(0)) resolve();
  };
  const queueEmptied = (): Promise<void> =>
    waiters.length === 0 ? Promise.resolve() : new Promise<void>((resolve) => onQueueEmpty.push(resolve));

  const acquire = (signal: AbortSignal | undefined): Promise<Slot> => {
    const free = waiters.length === 0 ? freeSlot() : undefined;
    if (free) {
      free.busy = true;
      return Promise.resolve(free);
    }
    if (waiters.length >= pool.maxQueue) {
      hooks.onQueueRejected?.(config.name, 'full');
      return Promise.reject(tooManyQueries(`all ${pool.connectionsPerNode} connections to ${config.name} are busy and ${pool.maxQueue} requests wait already`));
    }
    const queuedAt = performance.now();
    return new Promise<Slot>((resolve, reject) => {
      const leave = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const index = waiters.indexOf(waiter);
        if (index >= 0) waiters.splice(index, 1);
        queueChanged();
      };
      const waiter: Waiter = {
        resolve: (slot) => {
          leave();
          hooks.onQueueWait?.(config.name, (performance.now() - queuedAt) / 1000);
          resolve(slot);
        },
        reject: (error) => {
          leave();
          reject(error);
        },
      };
      const onAbort = (): void => waiter.reject(new undiciErrors.RequestAbortedError());
      const timer = setTimeout(() => {
        hooks.onQueueRejected?.(config.name, 'timeout');
        waiter.reject(tooManyQueries(`no connection to ${config.name} became free within ${pool.queueTimeoutMs} ms`));
      }, pool.queueTimeoutMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      waiters.push(waiter);
      queueChanged();
    });
  };

  // The slot goes straight to the next waiter, so a queued request never loses its turn to a newcomer.
  const releaseSlot = (slot: Slot): void => {
    slot.lastUsed = Date.now();
    lastActivity = slot.lastUsed;
    const next = waiters[0];
    if (next) next.resolve(slot);
    else slot.busy = false;
  };

  const send = async (slot: Slot, request: UpstreamRequest): Promise<UpstreamResponse> => {
    for (let attempt = 0; ; attempt++) {
      const socket = hasOpenSocket(slot) ? slot.socket : undefined;
      const reused = socket !== undefined && slot.responsesOnSocket > 0;
      const idleMs = Date.now() - slot.idleSince;
      const bytesReadBefore = socket?.bytesRead ?? 0;
      const options: Dispatcher.RequestOptions = {
        method: request.method,
        path: `${basePath}${request.path}`,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        ...(request.headersTimeoutMs !== undefined ? { headersTimeout: request.headersTimeoutMs } : {}),
      };
      try {
        const response = await slot.client.request(options);
        const usedSocket = slot.socket;
        response.body.once('end', () => {
          if (slot.socket !== usedSocket) return;
          slot.responsesOnSocket += 1;
          slot.idleSince = Date.now();
          slot.serverKeepAliveMs = announcedKeepAliveMs(response.headers['keep-alive']);
        });
        return { statusCode: response.statusCode, headers: response.headers, body: response.body };
      } catch (error) {
        // A keep-alive socket the server closed while our request was on its way: nothing of a response came back.
        const isStale =
          attempt === 0 &&
          reused &&
          isSocketFailure(error) &&
          socket?.bytesRead === bytesReadBefore &&
          (request.body === null || Buffer.isBuffer(request.body)) &&
          !request.signal?.aborted;
        // Safe to send again when the request changes nothing, or when the socket had been idle as long as the
        // server's announced timeout: the server had closed it before reading a byte of ours.
        const certainlyUnread = slot.serverKeepAliveMs !== undefined && idleMs >= slot.serverKeepAliveMs;
        if (isStale && (request.method === 'GET' || request.idempotent === true || certainlyUnread)) {
          hooks.onStaleSocketRetry?.(config.name);
          continue;
        }
        throw error;
      }
    }
  };

  const sendOverOwnConnection = async (request: UpstreamRequest): Promise<UpstreamResponse> => {
    const client = new Client(origin, { pipelining: 1, connect, headersTimeout: pool.headersTimeoutMs, bodyTimeout: pool.bodyTimeoutMs });
    try {
      const response = await client.request({ method: request.method, path: `${basePath}${request.path}`, headers: request.headers, body: request.body, signal: request.signal, reset: true });
      const closeClient = (): void => void client.close().catch(() => undefined);
      response.body.once('close', closeClient);
      response.body.once('end', closeClient);
      response.body.once('error', closeClient);
      return { statusCode: response.statusCode, headers: response.headers, body: response.body };
    } catch (error) {
      void client.destroy().catch(() => undefined);
      throw error;
    }
  };

  let drainTimer: NodeJS.Timeout | undefined;
  let drained: Promise<void> | undefined;
  let resolveDrained: (() => void) | undefined;
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed = true;
    clearInterval(drainTimer);
    // Requests already waiting still get their turn (a KILL QUERY for a request cut at shutdown is one of them).
    closing ??= queueEmptied()
      // An idle slot without a socket has nothing to finish: destroyed, because undici's close() never resolves
      // after some TLS failures (ERR_TLS_CERT_ALTNAME_INVALID, undici 7.30).
      .then(() => Promise.all(slots.map((slot) => (slot.busy || hasOpenSocket(slot) ? slot.client.close() : slot.client.destroy()))))
      .then(() => resolveDrained?.());
    return closing;
  };

  return {
    name: config.name,
    readHeadersTimeoutMs: pool.readHeadersTimeoutMs,
    role,
    url: config.url,
    weight: config.weight,
    health,
    inFlight: () => accepted,
    queued: () => waiters.length,
    connectionStats: () => ({ ...stats }),
    async request(request) {
      if (closed) throw new NodeClosedError(config.name);
      if (request.urgent && (waiters.length > 0 || freeSlot() === undefined)) return sendOverOwnConnection(request);
      lastActivity = Date.now();
      accepted += 1;
      let slot: Slot;
      try {
        slot = await acquire(request.signal);
      } catch (error) {
        accepted -= 1;
        throw error;
      }
      let settled = false;
      const release = (): void => {
        if (!settled) {
          settled = true;
          accepted -= 1;
          releaseSlot(slot);
        }
      };
      try {
        const response = await send(slot, request);
        response.body.once('close', release);
        response.body.once('end', release);
        response.body.once('error', release);
        return response;
      } catch (error) {
        release();
        throw error;
      }
    },
    drain(graceMs) {
      if (closing) return closing;
      drained ??= new Promise<void>((resolve) => {
        // close() resolves it, whoever calls close().
        resolveDrained = resolve;
        lastActivity = Date.now();
        drainTimer = setInterval(() => {
          if (accepted === 0 && Date.now() - lastActivity >= graceMs) void close();
        }, Math.min(100, Math.max(10, graceMs)));
      });
      return drained;
    },
    close,
  };
}

/**
 * undici 7.30 treats ERR_TLS_CERT_ALTNAME_INVALID from a connector specially and leaves the Client wedged: the next
 * request and close() never settle. Under another code it fails its requests like any connection error.
 */
function renameAltnameError(error: Error): Error {
  if ((error as NodeJS.ErrnoException).code !== 'ERR_TLS_CERT_ALTNAME_INVALID') return error;
  return Object.assign(new Error(error.message, { cause: error }), { code: 'CHGATE_TLS_CERT_ALTNAME_INVALID' });
}

function tooManyQueries(message: string): ChgateError {
  return new ChgateError('TOO_MANY_SIMULTANEOUS_QUERIES', message);
}

/** `Keep-Alive: timeout=3` → 3000. */
function announcedKeepAliveMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const match = value === undefined ? null : /timeout=(\d+)/i.exec(value);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1000;
}
