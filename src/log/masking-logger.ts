import type { Logger, LogFields } from './create-logger.js';
import { maskSecrets } from './mask-secrets.js';

/**
 * A logger that masks `secrets()` (the backend passwords of the running config, asked at each line so a reload's
 * new passwords are masked too) in messages and every string field, however deep. A logger that can mask its
 * serialized lines (withSecrets) does it there, in one pass per line.
 */
export function withMaskedSecrets(logger: Logger, secrets: () => readonly string[]): Logger {
  if (logger.withSecrets) return logger.withSecrets(secrets);
  const maskFields = (fields: LogFields | undefined): LogFields | undefined =>
    fields === undefined ? undefined : (maskValue(fields, secrets()) as LogFields);
  return {
    debug: (message, fields) => logger.debug(maskSecrets(message, secrets()), maskFields(fields)),
    info: (message, fields) => logger.info(maskSecrets(message, secrets()), maskFields(fields)),
    warn: (message, fields) => logger.warn(maskSecrets(message, secrets()), maskFields(fields)),
    error: (message, fields) => logger.error(maskSecrets(message, secrets()), maskFields(fields)),
    ...(logger.isLevelEnabled ? { isLevelEnabled: logger.isLevelEnabled } : {}),
  };
}

function maskValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') return maskSecrets(value, secrets);
  if (value instanceof Error) return maskSecrets(String(value), secrets);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValue(item, secrets)]));
  }
  return value;
}
