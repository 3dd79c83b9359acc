/**
 * Every error chgate produces itself, in one place: ClickHouse's code and name (so clients that parse
 * ClickHouse errors keep working) and the HTTP status ClickHouse maps that code to.
 */
export const errorCatalogue = {
  UNSUPPORTED_METHOD: { code: 1, status: 405 },
  BAD_ARGUMENTS: { code: 36, status: 400 },
  SYNTAX_ERROR: { code: 62, status: 400 },
  TIMEOUT_EXCEEDED: { code: 159, status: 504 },
  READONLY: { code: 164, status: 403 },
  IP_ADDRESS_NOT_ALLOWED: { code: 195, status: 403 },
  // ClickHouse itself answers 500; 503 tells clients and load balancers this is overload, safe to retry later.
  TOO_MANY_SIMULTANEOUS_QUERIES: { code: 202, status: 503 },
  // A user's requests_per_minute: newer ClickHouse answers its quota errors with 429 (18.16 named the code QUOTA_EXPIRED).
  QUOTA_EXCEEDED: { code: 201, status: 429 },
  // A user's max_result_bytes, as ClickHouse's own result limits (max_result_bytes); appended after streaming began.
  TOO_MANY_ROWS_OR_BYTES: { code: 396, status: 500 },
  NETWORK_ERROR: { code: 210, status: 502 },
  QUERY_IS_TOO_LARGE: { code: 229, status: 413 },
  // Newer ClickHouse's max_parser_depth error; chgate's guard for servers that crash instead (server.max_query_depth).
  TOO_DEEP_RECURSION: { code: 306, status: 400 },
  CANNOT_DECOMPRESS: { code: 271, status: 400 },
  // HTTP sessions: ClickHouse answers these with 500 (measured on 18.16).
  SESSION_NOT_FOUND: { code: 372, status: 500 },
  SESSION_IS_LOCKED: { code: 373, status: 500 },
  INVALID_SESSION_TIMEOUT: { code: 374, status: 500 },
  ALL_CONNECTION_TRIES_FAILED: { code: 279, status: 502 },
  UNKNOWN_COMPRESSION_METHOD: { code: 89, status: 400 },
  ACCESS_DENIED: { code: 497, status: 403 },
  AUTHENTICATION_FAILED: { code: 516, status: 401 },
  NOT_FOUND: { code: 0, status: 404 },
  INTERNAL_ERROR: { code: 1001, status: 500 },
} as const satisfies Record<string, { code: number; status: number }>;

export type ChgateErrorName = keyof typeof errorCatalogue;

/** An error that reaches the client in ClickHouse's format. Upstream errors never become one of these. */
export class ChgateError extends Error {
  readonly errorName: ChgateErrorName;
  readonly code: number;
  readonly status: number;

  constructor(errorName: ChgateErrorName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChgateError';
    this.errorName = errorName;
    this.code = errorCatalogue[errorName].code;
    this.status = errorCatalogue[errorName].status;
  }
}

/** Body text in modern ClickHouse's format, which both old and new client libraries parse. */
export function formatErrorBody(error: ChgateError): string {
  const message = error.message.endsWith('.') ? error.message : `${error.message}.`;
  return `Code: ${error.code}. DB::Exception: chgate: ${message} (${error.errorName})\n`;
}

export function toChgateError(error: unknown): ChgateError {
  if (error instanceof ChgateError) return error;
  return new ChgateError('INTERNAL_ERROR', 'internal error', { cause: error });
}
