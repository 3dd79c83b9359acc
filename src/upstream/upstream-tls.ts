import type { UpstreamTlsConfig } from '../config/config.js';

/** Node's TLS connect options for a ClickHouse node: the pool and the health probes use the same ones. */
export interface UpstreamTlsOptions {
  ca?: string;
  rejectUnauthorized: boolean;
  servername?: string;
}

/** Verification is on unless the config turned it off explicitly; `ca` absent means the system's CAs. */
export function upstreamTlsOptions(tls: UpstreamTlsConfig): UpstreamTlsOptions {
  return {
    rejectUnauthorized: tls.verify,
    ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
    ...(tls.serverName !== undefined ? { servername: tls.serverName } : {}),
  };
}
