import type { BackendCredentials, ClusterConfig, NodeConfig, ReadFailoverBufferConfig, WriteRetryConfig } from '../config/config.js';
import { createHttpProbe, createNodeHealth, startHealthMonitor, type CheckedNodeHealth } from './node-health.js';
import { createUpstreamNode, type NodeRole, type UpstreamNode, type UpstreamNodeHooks } from './upstream-node.js';

export type NodeGroup = 'writer' | 'reader';

export interface NodeChoice {
  node: UpstreamNode;
  credentials: BackendCredentials;
}

export interface PickOptions {
  /** Nodes already tried for this statement: picked only when nothing else is left. */
  exclude?: readonly UpstreamNode[];
}

/** What a reconfiguration did, by node name. A node whose settings changed is both removed and added. */
export interface NodeChanges {
  added: string[];
  removed: string[];
  kept: string[];
}

export interface UpstreamClusterHooks extends UpstreamNodeHooks {
  /** A node joined (at start or on reload): its health state is known from now on. */
  onNodeAdded?(node: UpstreamNode): void;
  /** A removed node finished its last request and closed its connections. */
  onNodeClosed?(node: UpstreamNode): void;
}

export interface UpstreamCluster {
  readonly name: string;
  /** The nodes picks choose from now (a reload may change them). */
  readonly nodes: readonly UpstreamNode[];
  /** The ClickHouse user reads run as: part of every cache key. */
  readonly readUser: string;
  /** Run a read refused by a replica for an unknown table or database again on a writer. */
  readonly retryUnknownTableOnWriter: boolean;
  /** How much of a read's answer is held back, so that a node failing mid-answer can be replaced unseen. */
  readonly readFailoverBuffer: ReadFailoverBufferConfig;
  /**
   * Content-Encodings its ClickHouse makes with enable_http_compression=1, preferred first; none for
   * COMPRESSION_REFUSED_MS after its read user was refused that setting (a `readonly = 1` profile).
   */
  readonly compressionEncodings: readonly string[];
  /** ClickHouse refused enable_http_compression to the read user: chgate compresses for a while instead. */
  noteCompressionRefused(): void;
  /** How writes are sent again: INSERT bodies kept for a deduplicated resend, the wait for a writer. */
  readonly writeRetry: WriteRetryConfig;
  /**
   * Picks a node for a statement: the least loaded relative to its weight, ties in turn. `identity` is the
   * ClickHouse user it runs as, independent of the node: reads sent to a writer still run read-only.
   */
  pick(group: NodeGroup, identity: 'read' | 'write', options?: PickOptions): NodeChoice;
  /**
   * Applies a new config of this cluster without dropping a request: unchanged nodes keep their pool and health,
   * new ones start, removed ones get no new picks and close once their last request has finished.
   */
  reconfigure(config: ClusterConfig): NodeChanges;
  /** Stops the cluster: requests in flight finish, then every pool closes. */
  close(): Promise<void>;
}

/**
 * After ClickHouse refused enable_http_compression, reads are not asked for compression for this long: a
 * `readonly = 1` read user refuses every setting, and each refusal costs a second round trip. Asked again after it,
 * so a profile changed to `readonly = 2` is noticed.
 */
export const COMPRESSION_REFUSED_MS = 60_000;

/** A removed node stays open this long after its last request, for statements that picked it just before. */
export const REMOVED_NODE_GRACE_MS = 1_000;

interface LiveNode {
  node: UpstreamNode;
  /** Everything that, changed, needs a new node object (pool, health, probe user). */
  key: string;
  stopMonitor(): void;
}

export function createUpstreamCluster(initial: ClusterConfig, hooks: UpstreamClusterHooks = {}): UpstreamCluster {
  let config = initial;
  let writers: LiveNode[] = [];
  let readers: LiveNode[] = [];
  const retiring = new Map<UpstreamNode, Promise<void>>();
  const turns = { writer: 0, reader: 0 };
  let closed = false;

  const nodeKey = (node: NodeConfig, role: NodeRole, cluster: ClusterConfig): string =>
    JSON.stringify([node, role, cluster.pool, cluster.health, role === 'writer' ? cluster.writeUser : cluster.readUser]);

  const startNode = (nodeConfig: NodeConfig, role: NodeRole, cluster: ClusterConfig): LiveNode => {
    const { health } = cluster;
    const checked: CheckedNodeHealth | undefined = health.enabled
      ? createNodeHealth(nodeConfig.name, {
          timeoutMs: health.timeoutMs,
          consecutiveFailures: health.consecutiveFailures,
          healthyChecksToReturn: health.healthyChecksToReturn,
          recoveryMs: health.recoveryMs,
          // Only replicas are held to the lag limit: the writer has every write.
          maxReplicaLagSeconds: role === 'reader' ? health.maxReplicaLagSeconds : undefined,
          onStateChange: (node, from, to, reason) => hooks.onHealthChange?.(node, from, to, reason),
        })
      : undefined;
    const node = createUpstreamNode(nodeConfig, role, cluster.pool, hooks, checked);
    // One monitor per node, so a node can join or leave without touching the others' checks.
    const monitor = checked
      ? startHealthMonitor(
          [
            {
              name: node.name,
              health: checked,
              probe: createHttpProbe(node.url, role === 'writer' ? cluster.writeUser : cluster.readUser, health.timeoutMs, nodeConfig.tls, {
                timeoutMs: cluster.pool.keepAliveTimeoutMs,
                marginMs: cluster.pool.keepAliveMarginMs,
              }),
            },
          ],
          { intervalMs: health.intervalMs },
        )
      : undefined;
    hooks.onNodeAdded?.(node);
    return { node, key: nodeKey(nodeConfig, role, cluster), stopMonitor: () => monitor?.stop() };
  };

  const retire = (live: LiveNode): void => {
    live.stopMonitor();
    const done = live.node
      .drain(REMOVED_NODE_GRACE_MS)
      .then(() => hooks.onNodeClosed?.(live.node))
      .finally(() => retiring.delete(live.node));
    retiring.set(live.node, done);
  };

  const apply = (next: ClusterConfig): NodeChanges => {
    const changes: NodeChanges = { added: [], removed: [], kept: [] };
    const current = new Map([...writers, ...readers].map((live) => [live.key, live]));
    const build = (nodes: readonly NodeConfig[], role: NodeRole): LiveNode[] =>
      nodes.map((nodeConfig) => {
        const key = nodeKey(nodeConfig, role, next);
        const existing = current.get(key);
        if (existing) {
          current.delete(key);
          changes.kept.push(nodeConfig.name);
          return existing;
        }
        changes.added.push(nodeConfig.name);
        return startNode(nodeConfig, role, next);
      });
    const nextWriters = build(next.writers, 'writer');
    const nextReaders = build(next.readers, 'reader');
    // Swapped in one step: a pick sees either the old node set or the new one.
    writers = nextWriters;
    readers = nextReaders;
    config = next;
    for (const live of current.values()) {
      changes.removed.push(live.node.name);
      retire(live);
    }
    return changes;
  };
  apply(initial);
  // Until when reads are not asked for ClickHouse's compression (noteCompressionRefused).
  let compressionRefusedUntil = 0;

  const nodesOf = (lives: readonly LiveNode[]): UpstreamNode[] => lives.map((live) => live.node);

  return {
    name: initial.name,
    get nodes() {
      return [...nodesOf(writers), ...nodesOf(readers)];
    },
    get readUser() {
      return config.readUser.user;
    },
    get compressionEncodings() {
      return Date.now() < compressionRefusedUntil ? [] : config.compressionEncodings;
    },
    noteCompressionRefused() {
      compressionRefusedUntil = Date.now() + COMPRESSION_REFUSED_MS;
    },
    get retryUnknownTableOnWriter() {
      return config.retryUnknownTableOnWriter;
    },
    get readFailoverBuffer() {
      return config.readFailoverBuffer;
    },
    get writeRetry() {
      return config.writeRetry;
    },
    pick(group, identity, options = {}) {
      const writerNodes = nodesOf(writers);
      // With no replicas configured the writers serve reads, still as the read-only user.
      const readPool = readers.length > 0 ? nodesOf(readers) : writerNodes;
      const excluded = new Set(options.exclude ?? []);
      const now = Date.now();
      const untried = (nodes: readonly UpstreamNode[]) =>
        nodes.filter((node) => !excluded.has(node) && (node.health?.isAvailable(now) ?? true));
      let candidates = untried(group === 'writer' ? writerNodes : readPool);
      // A read with every reader tried goes to a writer (as the read-only user) when the config allows it.
      if (candidates.length === 0 && group === 'reader' && config.readsFallbackToWriter) candidates = untried(writerNodes);
      // Nothing healthy and untried: any node of the group rather than no answer (health can be wrong).
      if (candidates.length === 0) candidates = group === 'writer' ? writerNodes : readPool;
      const node = pickLeastLoaded(candidates, turns[group]++);
      return { node, credentials: identity === 'write' ? config.writeUser : config.readUser };
    },
    reconfigure(next) {
      if (closed) throw new Error(`cluster ${initial.name} is closed`);
      return apply(next);
    },
    async close() {
      closed = true;
      const lives = [...writers, ...readers];
      for (const live of lives) live.stopMonitor();
      // Removed nodes still draining close now too (their requests in flight still finish).
      const draining = [...retiring.keys()].map((node) => node.close());
      await Promise.all([...lives.map((live) => live.node.close()), ...draining, ...retiring.values()]);
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
