import { maskSecrets } from './mask-secrets.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: string): value is LogLevel {
  return Object.hasOwn(order, value);
}

/**
 * One JSON object a line on the given stream (stderr by default). Credentials in a line (`?password=`, `user:pass@`,
 * X-ClickHouse-Key / Authorization values) are masked: error text from HTTP clients can quote URLs and headers.
 */
export function createLogger(level: LogLevel = 'info', stream: NodeJS.WritableStream = process.stderr): Logger {
  const emit = (at: Exclude<LogLevel, 'silent'>, message: string, fields?: LogFields): void => {
    if (order[at] < order[level]) return;
    stream.write(`${maskSecrets(JSON.stringify({ time: new Date().toISOString(), level: at, msg: message, ...fields }))}\n`);
  };
  return {
    debug: (message, fields) => emit('debug', message, fields),
    info: (message, fields) => emit('info', message, fields),
    warn: (message, fields) => emit('warn', message, fields),
    error: (message, fields) => emit('error', message, fields),
  };
}
