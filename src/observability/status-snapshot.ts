/**
 * What /status.json returns and the status page shows: every cluster's nodes (health, lag, load), traffic over the
 * last minute, the top fingerprints of the query digest and the last failed requests. Built on request only.
 */
import type { UpstreamCluster } from '../upstream/upstream-cluster.js';
import { describeDigestEntry, type QueryDigest } from './query-digest.js';
import type { RecentError, RecentErrors } from './status-recent-errors.js';
import type { TrafficSummary, TrafficWindow } from './status-traffic.js';

/** healthy / recovering / ejected as node health has them; lagging: ejected for replica lag; unchecked: health checks off. */
export type NodeStatusState = 'healthy' | 'recovering' | 'ejected' | 'lagging' | 'unchecked';

export interface NodeStatus {
  name: string;
  role: string;
  /** host:port of the node's URL (never its credentials or path). */
  address: string;
  state: NodeStatusState;
  reason: string;
  lagSeconds: number | null;
  inFlight: number;
  queued: number;
  connectionsOpen: number;
  weight: number;
}

export interface StatusSnapshot {
  generatedAt: string;
  uptimeSeconds: number;
  refreshSeconds: number;
  clusters: { name: string; nodes: NodeStatus[] }[];
  traffic: TrafficSummary;
  topFingerprints: Record<string, unknown>[];
  recentErrors: RecentError[];
}

export interface StatusSources {
  clusters: ReadonlyMap<string, UpstreamCluster>;
  traffic: TrafficWindow;
  recentErrors: RecentErrors;
  digest: QueryDigest;
  startedAtMs: number;
  now?: () => number;
}

export function buildStatusSnapshot(sources: StatusSources, options: { refreshSeconds: number; topFingerprints?: number }): StatusSnapshot {
  const now = (sources.now ?? Date.now)();
  return {
    generatedAt: new Date(now).toISOString(),
    uptimeSeconds: Math.round((now - sources.startedAtMs) / 1000),
    refreshSeconds: options.refreshSeconds,
    clusters: [...sources.clusters.values()].map((cluster) => ({
      name: cluster.name,
      nodes: cluster.nodes.map((node) => {
        const health = node.health;
        const state = health?.state();
        const reason = health?.reason() ?? 'health checks off';
        return {
          name: node.name,
          role: node.role,
          address: hostOf(node.url),
          state: state === undefined ? 'unchecked' : state === 'ejected' && reason === 'lagging' ? 'lagging' : state,
          reason,
          lagSeconds: health?.lagSeconds() ?? null,
          inFlight: node.inFlight(),
          queued: node.queued(),
          connectionsOpen: node.connectionStats().open,
          weight: node.weight,
        };
      }),
    })),
    traffic: sources.traffic.summary(),
    topFingerprints: sources.digest.top({ sort: 'total_time', limit: options.topFingerprints ?? 10 }).map(describeDigestEntry),
    recentErrors: sources.recentErrors.list(),
  };
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}
