import type { BackendCredentials, ClusterConfig, WriteRetryConfig } from '../config/config.js';
import { createHttpProbe, createNodeHealth, startHealthMonitor, type CheckedNodeHealth } from './node-health.js';
import { createUpstreamNode, type UpstreamNode, type UpstreamNodeHooks } from './upstream-node.js';

export type NodeGroup = 'writer' | 'reader';

export interface NodeChoice {
  node: UpstreamNode;
  credentials: BackendCredentials;
}

export interface PickOptions {
  /** Nodes already tried for this statement: picked only when nothing else is left. */
  exclude?: readonly UpstreamNode[];
}

export interface UpstreamCluster {
  readonly name: string;
  readonly nodes: readonly UpstreamNode[];
  /** The ClickHouse user reads run as: part of every cache key. */
  readonly readUser: string;
  /** Run a read refused by a replica for an unknown table or database again on a writer. */
  readonly retryUnknownTableOnWriter: boolean;
  /** How writes are sent again: INSERT bodies kept for a deduplicated resend, the wait for a writer. */
  readonly writeRetry: WriteRetryConfig;
  /**
   * Picks a node for a statement: the least loaded relative to its weight, ties in turn. `identity` is the
   * ClickHouse user it runs as, independent of the node: reads sent to a writer still run read-only.
   */
  pick(group: NodeGroup, identity: 'read' | 'write', options?: PickOptions): NodeChoice;
  close(): Promise<void>;
}

export function createUpstreamCluster(config: ClusterConfig, hooks: UpstreamNodeHooks = {}): UpstreamCluster {
  const healthOf = (name: string, role: 'writer' | 'reader'): CheckedNodeHealth | undefined => {
    if (!config.health.enabled) return undefined;
    const { health } = config;
    return createNodeHealth(name, {
      timeoutMs: health.timeoutMs,
      consecutiveFailures: health.consecutiveFailures,
      healthyChecksToReturn: health.healthyChecksToReturn,
      recoveryMs: health.recoveryMs,
      // Only replicas are held to the lag limit: the writer has every write.
      maxReplicaLagSeconds: role === 'reader' ? health.maxReplicaLagSeconds : undefined,
      onStateChange: (node, from, to, reason) => hooks.onHealthChange?.(node, from, to, reason),
    });
  };
  const writers = config.writers.map((node) => createUpstreamNode(node, 'writer', config.pool, hooks, healthOf(node.name, 'writer')));
  const readers = config.readers.map((node) => createUpstreamNode(node, 'reader', config.pool, hooks, healthOf(node.name, 'reader')));
  const monitor = config.health.enabled
    ? startHealthMonitor(
        [...writers, ...readers].map((node) => ({
          name: node.name,
          health: node.health as CheckedNodeHealth,
          probe: createHttpProbe(node.url, node.role === 'writer' ? config.writeUser : config.readUser, config.health.timeoutMs),
        })),
        { intervalMs: config.health.intervalMs },
      )
    : undefined;
  // With no replicas configured the writers serve reads, still as the read-only user.
  const readPool = readers.length > 0 ? readers : writers;
  const turns = { writer: 0, reader: 0 };

  return {
    name: config.name,
    nodes: [...writers, ...readers],
    readUser: config.readUser.user,
    retryUnknownTableOnWriter: config.retryUnknownTableOnWriter,
    writeRetry: config.writeRetry,
    pick(group, identity, options = {}) {
      const excluded = new Set(options.exclude ?? []);
      const now = Date.now();
      const untried = (nodes: readonly UpstreamNode[]) =>
        nodes.filter((node) => !excluded.has(node) && (node.health?.isAvailable(now) ?? true));
      let candidates = untried(group === 'writer' ? writers : readPool);
      // A read with every reader tried goes to a writer (as the read-only user) when the config allows it.
      if (candidates.length === 0 && group === 'reader' && config.readsFallbackToWriter) candidates = untried(writers);
      // Nothing healthy and untried: any node of the group rather than no answer (health can be wrong).
      if (candidates.length === 0) candidates = group === 'writer' ? writers : readPool;
      const node = pickLeastLoaded(candidates, turns[group]++);
      return { node, credentials: identity === 'write' ? config.writeUser : config.readUser };
    },
    async close() {
      monitor?.stop();
      await Promise.all([...writers, ...readers].map((node) => node.close()));
    },
  };
}

export function pickLeastLoaded(candidates: readonly UpstreamNode[], turn: number): UpstreamNode {
  if (candidates.length === 0) throw new Error('no nodes to pick from');
  let best: UpstreamNode | undefined;
  let bestLoad = Infinity;
  // Start the scan at a rotating offset so equally loaded nodes take turns.
  for (let step = 0; step < candidates.length; step++) {
    const node = candidates[(turn + step) % candidates.length] as UpstreamNode;
    const load = node.inFlight() / node.weight;
    if (load < bestLoad) {
      best = node;
      bestLoad = load;
    }
  }
  return best as UpstreamNode;
}
