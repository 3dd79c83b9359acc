/** CPU time and RSS of a group of processes (a proxy's master and workers) from /proc, and their child pids. */
import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times: 100 on Linux. */
const TICKS_PER_SECOND = 100;

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "(comm)": state is [0], ppid [1], utime [11], stime [12].
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime summed over `pids`, in ms (processes that are gone count 0). */
export function cpuMsOf(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** VmRSS summed over `pids`, in bytes. */
export function rssBytesOf(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      total += Number(match?.[1] ?? 0) * 1024;
    } catch {
      // gone
    }
  }
  return total;
}

/** `pid` and its direct children (nginx's master and workers). */
export function withChildren(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    if (statFields(Number(entry))?.[1] === String(pid)) children.push(Number(entry));
  }
  return [pid, ...children];
}

/** Samples the peak RSS of `pids` every `intervalMs` until stopped. */
export function sampleRss(pids: readonly number[], intervalMs = 100): { stop(): number } {
  let peak = rssBytesOf(pids);
  const timer = setInterval(() => {
    peak = Math.max(peak, rssBytesOf(pids));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rssBytesOf(pids));
    },
  };
}
