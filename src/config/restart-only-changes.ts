import type { Config } from './config.js';

/**
 * The keys a reload (SIGHUP) cannot apply to a running chgate, by their YAML names: the listener is bound and the
 * cache store is open. Everything else (clusters and their nodes, pools, health, users, server timeouts and
 * limits, the TLS certificate) is applied at once.
 */
export function findRestartOnlyChanges(running: Config, next: Config): string[] {
  const changed: string[] = [];
  if (running.server.listenHost !== next.server.listenHost) changed.push('server.listen_host');
  if (running.server.listenPort !== next.server.listenPort) changed.push('server.listen_port');
  if (running.server.maxQueryHeadBytes !== next.server.maxQueryHeadBytes) changed.push('server.max_query_head_bytes');
  if (running.server.maxHeaderBytes !== next.server.maxHeaderBytes) changed.push('server.max_header_bytes');
  // The certificate and key files are read again on reload; whether and where HTTPS listens is fixed.
  if ((running.server.tls === undefined) !== (next.server.tls === undefined) || running.server.tls?.listenPort !== next.server.tls?.listenPort) {
    changed.push('server.tls');
  }
  if (JSON.stringify(running.cache) !== JSON.stringify(next.cache)) changed.push('cache');
  // The log file is opened once.
  if (running.log.file !== next.log.file) changed.push('log.file');
  if (running.metrics.listenHost !== next.metrics.listenHost) changed.push('metrics.listen_host');
  if (running.metrics.listenPort !== next.metrics.listenPort) changed.push('metrics.listen_port');
  // The digest and the recent-errors ring are sized once.
  if (running.digest.maxFingerprints !== next.digest.maxFingerprints) changed.push('digest.max_fingerprints');
  if (running.status.recentErrors !== next.status.recentErrors) changed.push('status.recent_errors');
  // Rules are compiled into the pipeline once, and the cache-hit fast path remembers what they decided per request.
  if (JSON.stringify(running.rules ?? []) !== JSON.stringify(next.rules ?? [])) changed.push('rules');
  return changed;
}
