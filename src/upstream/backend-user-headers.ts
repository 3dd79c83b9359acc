import type { BackendCredentials } from '../config/config.js';

/** How chgate authenticates to ClickHouse as a backend user; headers work on every server version. */
export function backendUserHeaders(credentials: BackendCredentials): Record<string, string> {
  return { 'x-clickhouse-user': credentials.user, 'x-clickhouse-key': credentials.password };
}
