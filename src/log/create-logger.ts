import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import { createSecretMasker } from './mask-secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** Whether a line at `level` would be written: lets a caller skip building fields nobody reads. */
  isLevelEnabled?(level: Exclude<LogLevel, 'silent'>): boolean;
  /**
   * The same output, also masking `secrets()` (asked at each line) in the serialized line: one pass over the
   * text instead of a walk over every field. Loggers without it are wrapped by withMaskedSecrets.
   */
  withSecrets?(secrets: () => readonly string[]): Logger;
  /**
   * A line whose fields are already JSON object members (`"a":1,"b":"x"`, no braces; '' for none), written as pino
   * would write them: the access log's line per request, which pino's generic serializer made several times dearer
   * than the rest of a cache hit.
   */
  writeJson?(level: Exclude<LogLevel, 'silent'>, message: string, fieldMembers: string, premasked?: boolean, atMs?: number): void;
  /**
   * Masks text the way this logger masks its lines, with the secrets of the moment: the same function until they
   * change (a reload), so a caller may keep text masked by it while it is the one returned. With writeJson's
   * `premasked`, a line whose parts were masked this way is not scanned again.
   */
  lineMasker?(): (text: string) => string;
}

/** The logger the process owns: its level can change (SIGHUP) and its buffered lines must be written before exit. */
export interface RootLogger extends Logger {
  withSecrets(secrets: () => readonly string[]): Logger;
  isLevelEnabled(level: Exclude<LogLevel, 'silent'>): boolean;
  writeJson(level: Exclude<LogLevel, 'silent'>, message: string, fieldMembers: string, premasked?: boolean, atMs?: number): void;
  lineMasker(): (text: string) => string;
  setLevel(level: LogLevel): void;
  /** Writes what is buffered, synchronously (shutdown, process exit). */
  flush(): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(order, value);
}

/** Where lines go; flushSync() writes whatever is still buffered (shutdown, process exit). */
export interface LogDestination extends DestinationStream {
  flushSync(): void;
  /** Resolves once the file is open (at once for stderr); rejects when it cannot be opened. */
  readonly ready: Promise<void>;
}

// Like nginx's `access_log ... buffer=64k flush=...`: lines are handed over in batches of this many bytes, or after
// this long, whichever comes first. A write per turn of the event loop (asynchronous, on libuv's thread pool) cost a
// busy server far more than the lines themselves.
const MAX_PENDING_BYTES = 64 * 1024;
const MAX_PENDING_MS = 200;

/**
 * Where lines go: a file (appended) or stderr. Lines are collected (up to MAX_PENDING_BYTES or MAX_PENDING_MS) and
 * handed to pino's SonicBoom as one buffer, written at once, so a request never waits on the disk for its own line.
 * (SonicBoom measures its whole pending buffer on every write(): one write per batch keeps a busy server's line cost
 * flat.) flushSync writes what is pending at shutdown and exit.
 */
export function openLogDestination(file?: string): LogDestination {
  // Buffers: the batch is encoded once (SonicBoom would encode a string for fs.write and again after it).
  // Synchronous writes of whole batches (at most one per 64 KiB or 200 ms): no write is ever in flight on the thread
  // pool, so flushSync at exit writes everything, and a batch costs one write(2) instead of a thread-pool round trip.
  let sonic: ReturnType<typeof pino.destination>;
  try {
    sonic = pino.destination({ dest: file ?? 2, sync: true, mkdir: true, contentMode: 'buffer' });
  } catch (error) {
    // Synchronous mode opens the file at once.
    return unopenedDestination(new Error(`cannot open the log file ${file ?? 'stderr'}: ${(error as Error).message}`));
  }
  const status = { opened: file === undefined, lastError: undefined as Error | undefined };
  const ready =
    file === undefined
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          sonic.once('ready', () => {
            status.opened = true;
            resolve();
          });
          sonic.once('error', (error: Error) => {
            if (status.opened) return;
            // Nothing to flush at exit: pino's exit hook skips a destroyed stream (and would throw on one never opened).
            Object.assign(sonic, { destroyed: true });
            reject(new Error(`cannot open the log file ${file}: ${error.message}`));
          });
        });
  // Awaited by those who care (serve); never an unhandled rejection for the others.
  ready.catch(() => undefined);
  // A failing log (disk full) must not stop the proxy: said once on stderr, requests go on. (pino emits an error
  // a second time after its broken-pipe filter has seen it.)
  sonic.on('error', (error: Error) => {
    if (!status.opened || error === status.lastError) return;
    status.lastError = error;
    process.stderr.write(`chgate: writing the log failed: ${error.message}\n`);
  });
  // Lines are encoded straight into the batch's buffer: no string is kept alive until the batch is written. A batch
  // handed over is SonicBoom's from then on (it may still hold it after a partial write): the next one gets a new buffer.
  const batch = { bytes: Buffer.allocUnsafe(MAX_PENDING_BYTES), used: 0, timer: undefined as NodeJS.Timeout | undefined };
  const handOver = (): void => {
    if (batch.timer) clearTimeout(batch.timer);
    batch.timer = undefined;
    if (batch.used === 0) return;
    const full = batch.bytes.subarray(0, batch.used);
    batch.bytes = Buffer.allocUnsafe(MAX_PENDING_BYTES);
    batch.used = 0;
    // In buffer mode SonicBoom takes Buffers (its types only name strings).
    sonic.write(full as unknown as string);
  };
  return {
    ready,
    write(line: string) {
      // A UTF-16 unit takes at most 3 bytes in UTF-8: a line that might not fit goes after the batch before it.
      if (batch.used + line.length * 3 > MAX_PENDING_BYTES) {
        handOver();
        if (line.length * 3 > MAX_PENDING_BYTES) {
          sonic.write(Buffer.from(line) as unknown as string);
          return;
        }
      }
      batch.used += batch.bytes.write(line, batch.used);
      if (!batch.timer) {
        batch.timer = setTimeout(handOver, MAX_PENDING_MS);
        // Pending lines never keep the process alive: exit and shutdown flush them synchronously.
        batch.timer.unref();
      }
    },
    flushSync() {
      handOver();
      sonic.flushSync();
    },
  };
}

/** A log file that could not be opened: `ready` says why (serve stops before it listens); nothing is written. */
function unopenedDestination(reason: Error): LogDestination {
  const ready = Promise.reject(reason);
  ready.catch(() => undefined);
  return { ready, write: () => undefined, flushSync: () => undefined };
}

// Errors as their text (pino would print `{}` for an Error under a key it has no serializer for).
const errorText = (value: unknown): unknown => (value instanceof Error ? String(value) : value);

/**
 * One JSON object a line (pino): `{"level":"info","time":"<ISO>",...fields,"msg":"..."}`, on stderr by default.
 * Every serialized line has its credentials masked (`?password=`, `user:pass@`, X-ClickHouse-Key / Authorization
 * values, and the secrets given to withSecrets): error text from HTTP clients can quote URLs and headers.
 */
export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | DestinationStream = openLogDestination()): RootLogger {
  // Shared by the loggers withSecrets derives, so setLevel applies to all of them.
  const state = { level };
  // Shared by the derived loggers too: the forms of the secrets of the moment, worked out once per reload.
  const mask = createSecretMasker();
  const enabled = (at: Exclude<LogLevel, 'silent'>): boolean => order[at] >= order[state.level];
  // ISO time, formatted once per millisecond: under load many lines share one.
  const clock = { ms: 0, text: '' };
  const isoTime = (now = Date.now()): string => {
    if (now !== clock.ms) {
      clock.ms = now;
      clock.text = `,"time":"${new Date(now).toISOString()}"`;
    }
    return clock.text;
  };
  const build = (secrets: () => readonly string[]): PinoLogger =>
    pino(
      {
        level: 'debug',
        base: undefined,
        timestamp: isoTime,
        formatters: { level: (label) => ({ level: label }) },
        serializers: { error: errorText, err: errorText },
        hooks: { streamWrite: (line) => mask(line, secrets()) },
      },
      destination as DestinationStream,
    );
  const adapt = (out: PinoLogger, secrets: () => readonly string[]): RootLogger => {
    const maskers = new WeakMap<readonly string[], (text: string) => string>();
    const lineMasker = (): ((text: string) => string) => {
      const current = secrets();
      let masker = maskers.get(current);
      if (masker === undefined) {
        masker = (text) => mask(text, current);
        maskers.set(current, masker);
      }
      return masker;
    };
    return {
      debug: (message, fields) => enabled('debug') && out.debug(fields ?? {}, message),
      info: (message, fields) => enabled('info') && out.info(fields ?? {}, message),
      warn: (message, fields) => enabled('warn') && out.warn(fields ?? {}, message),
      error: (message, fields) => enabled('error') && out.error(fields ?? {}, message),
      isLevelEnabled: enabled,
      writeJson: (at, message, fieldMembers, premasked = false, atMs = Date.now()) => {
        if (!enabled(at)) return;
        // The shape of pino's lines above: level, time, the fields, msg.
        const fields = fieldMembers === '' ? '' : `,${fieldMembers}`;
        const line = `{"level":"${at}"${isoTime(atMs)}${fields},"msg":${JSON.stringify(message)}}`;
        destination.write(`${premasked ? line : mask(line, secrets())}\n`);
      },
      lineMasker,
      withSecrets: (more) => {
        // The root has none of its own: `more`'s array as it is (masking caches its work per array).
        const both = secrets === none ? more : (): readonly string[] => [...secrets(), ...more()];
        return adapt(build(both), both);
      },
      setLevel: (next) => {
        state.level = next;
      },
      flush: () => {
        if (!('flushSync' in destination) || typeof destination.flushSync !== 'function') return;
        try {
          destination.flushSync();
        } catch {
          // Not open yet, or already closed: nothing can be written any more.
        }
      },
    };
  };
  const none = (): readonly string[] => [];
  return adapt(build(none), none);
}
