/**
 * wrk (Debian's package) as a load generator: much lighter than a Node client, so on a 2-core machine the proxy
 * gets a core of its own. `pinCpu` runs wrk under `taskset`; pin the process under test to the other core.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

export interface WrkRun {
  url: string;
  method: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  connections: number;
  durationSeconds: number;
  /** CPU list for taskset (e.g. "1"). */
  pinCpu?: string;
}

export interface WrkResult {
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Non-2xx/3xx responses plus socket errors (connect, read, write, timeout). */
  errors: number;
  /** Response bytes read (headers included), as wrk reports them. */
  bytesRead: number;
  /** wrk's own output, for the raw results. */
  output: string;
}

export function hasWrk(): boolean {
  return spawnSync('wrk', ['--version']).error === undefined;
}

/** Pins every thread of a running process to `cpus` (taskset -a -p). */
export function pinProcess(pid: number, cpus: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' });
}

const lua = (value: string): string => JSON.stringify(value);

function latencyMs(text: string, percent: string): number {
  const match = new RegExp(`^\\s*${percent}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(text);
  if (!match?.[1]) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** wrk's arguments (under taskset when pinned) with a Lua script for the method, body and headers written in `dir`. */
function wrkCommand(run: WrkRun, dir: string): { command: string; args: string[] } {
  const script = join(dir, 'request.lua');
  const lines = [`wrk.method = ${lua(run.method)}`];
  if (run.body !== undefined) lines.push(`wrk.body = ${lua(run.body)}`);
  for (const [name, value] of Object.entries(run.headers ?? {})) lines.push(`wrk.headers[${lua(name)}] = ${lua(value)}`);
  writeFileSync(script, `${lines.join('\n')}\n`);
  const wrkArgs = ['-t1', `-c${run.connections}`, `-d${run.durationSeconds}s`, '--latency', '-s', script, run.url];
  return run.pinCpu === undefined ? { command: 'wrk', args: wrkArgs } : { command: 'taskset', args: ['-c', run.pinCpu, 'wrk', ...wrkArgs] };
}

const UNITS: Record<string, number> = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };

function parseWrkOutput(output: string): WrkResult {
  const done = /(\d+) requests in ([\d.]+)(ms|s|m), ([\d.]+)(B|KB|MB|GB|TB) read/.exec(output);
  if (!done?.[1] || !done[2]) throw new Error(`cannot read wrk's output:\n${output}`);
  const seconds = Number(done[2]) / (done[3] === 'ms' ? 1000 : done[3] === 'm' ? 1 / 60 : 1);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  const requests = Number(done[1]);
  return {
    requests,
    seconds,
    requestsPerSecond: requests / seconds,
    p50Ms: latencyMs(output, '50'),
    p99Ms: latencyMs(output, '99'),
    errors: non2xx + socketErrors,
    bytesRead: Number(done[4]) * (UNITS[done[5] ?? 'B'] ?? 1),
    output,
  };
}

export function runWrk(run: WrkRun): WrkResult {
  const dir = mkdtempSync(join(tmpdir(), 'chgate-wrk-'));
  try {
    const { command, args } = wrkCommand(run, dir);
    return parseWrkOutput(execFileSync(command, args, { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** runWrk without blocking the event loop, so the caller can sample RSS and CPU while wrk runs. */
export async function runWrkAsync(run: WrkRun): Promise<WrkResult> {
  const dir = mkdtempSync(join(tmpdir(), 'chgate-wrk-'));
  try {
    const { command, args } = wrkCommand(run, dir);
    const { stdout } = await promisify(execFile)(command, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    return parseWrkOutput(stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
