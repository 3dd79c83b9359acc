/**
 * `npm run demo:stop`: stops a running `npm run demo` from another terminal — the demo process (which then stops
 * chgate and the cluster in order), and anything still alive afterwards (a demo killed without cleaning up).
 */
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, isOurProcess, readClusterState, stopRecordedProcesses } from './local-cluster.js';
import { CLUSTER_DIR, DEMO_MARKER, PIDS_FILE, readDemoPids } from './demo.js';

const say = (message: string) => console.log(`[demo:stop] ${message}`);

async function main(): Promise<void> {
  const pids = readDemoPids();
  const leftovers = readClusterState(CLUSTER_DIR)?.processes ?? [];
  if (pids === undefined && leftovers.every((p) => !isOurProcess(p.pid, p.marker))) {
    say('no demo is running');
    return;
  }
  if (pids !== undefined && isOurProcess(pids.demoPid, DEMO_MARKER)) {
    say(`stopping the demo (pid ${pids.demoPid})`);
    process.kill(pids.demoPid, 'SIGTERM');
    const deadline = Date.now() + 40_000;
    while (isAlive(pids.demoPid) && Date.now() < deadline) await sleep(100);
  }
  // Whatever the demo did not stop itself (it was killed, or timed out): chgate, ZooKeeper, ClickHouse nodes.
  const rest = [...(pids?.processes ?? []), ...leftovers];
  const stopped = await stopRecordedProcesses(rest);
  if (stopped.length > 0) say(`stopped ${stopped.length} leftover process(es): ${stopped.join(', ')}`);
  rmSync(PIDS_FILE, { force: true });
  const alive = rest.filter((p) => isOurProcess(p.pid, p.marker));
  if (alive.length > 0) {
    say(`still running: ${alive.map((p) => `${p.name} (${p.pid})`).join(', ')}`);
    process.exitCode = 1;
    return;
  }
  say('every demo process is stopped');
}

await main();
