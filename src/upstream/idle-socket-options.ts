/**
 * undici's options for how long an idle connection is kept: at most `timeoutMs`, and `marginMs` below the idle timeout
 * the server announces, so a reused socket is never one the server is closing.
 */
export function idleSocketOptions(timeoutMs: number, marginMs: number) {
  return { keepAliveTimeout: timeoutMs, keepAliveMaxTimeout: timeoutMs, keepAliveTimeoutThreshold: marginMs };
}
