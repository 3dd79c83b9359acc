import { queryNode, type ClusterNode, type LocalCluster } from '../../scripts/local-cluster.js';

export interface ExecutedQuery {
  node: string;
  user: string;
  query: string;
}

/**
 * Where ClickHouse itself says a query ran, and as whom: every node's system.query_log after SYSTEM FLUSH LOGS.
 * This is the evidence for routing tests; chgate's own headers are not trusted for it.
 */
export async function findExecutions(cluster: LocalCluster, queryId: string, expectedCount = 1): Promise<ExecutedQuery[]> {
  // ClickHouse queues the QueryFinish entry after the response is sent, so a flush right after may miss it.
  const deadline = Date.now() + 5_000;
  for (;;) {
    const found = await readQueryLog(cluster, queryId);
    if (found.length >= expectedCount || Date.now() > deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function readQueryLog(cluster: LocalCluster, queryId: string): Promise<ExecutedQuery[]> {
  const admin = cluster.users.admin;
  const found = await Promise.all(
    cluster.nodes.map(async (node: ClusterNode) => {
      await queryNode(node, 'SYSTEM FLUSH LOGS', admin);
      // type 2 is QueryFinish: a UInt8 on 18.16, an Enum8 on newer servers; both compare with a number.
      const text = await queryNode(
        node,
        `SELECT user, query FROM system.query_log WHERE query_id = '${queryId.replace(/'/g, "\\'")}' AND type = 2 FORMAT JSONEachRow`,
        admin,
      );
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => {
          const row = JSON.parse(line) as { user: string; query: string };
          return { node: node.name, user: row.user, query: row.query };
        });
    }),
  );
  return found.flat();
}

/** A ReplicatedMergeTree table on every node, so replicas receive what the writer gets. */
export async function createReplicatedTable(cluster: LocalCluster, table: string, columns: string, orderBy: string): Promise<void> {
  for (const node of cluster.nodes) {
    await queryNode(node, `DROP TABLE IF EXISTS ${table}`, cluster.users.admin);
  }
  // A fresh ZooKeeper path each time: a dropped replicated table's path may linger.
  const zookeeperPath = `/clickhouse/tables/{shard}/${table}-${Date.now()}`;
  for (const node of cluster.nodes) {
    await queryNode(
      node,
      `CREATE TABLE ${table} (${columns}) ENGINE = ReplicatedMergeTree('${zookeeperPath}', '{replica}') ORDER BY ${orderBy}`,
      cluster.users.admin,
    );
  }
}

/** The nodes whose system.processes show the query running now. */
export async function nodesRunning(cluster: LocalCluster, queryId: string): Promise<string[]> {
  const found = await Promise.all(
    cluster.nodes.map(async (node: ClusterNode) => {
      const count = await queryNode(node, `SELECT count() FROM system.processes WHERE query_id = '${queryId.replace(/'/g, "\\'")}'`, cluster.users.admin);
      return count.trim() === '0' ? [] : [node.name];
    }),
  );
  return found.flat();
}
