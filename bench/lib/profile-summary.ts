/**
 * Where the time went in a V8 CPU profile (`node --cpu-prof`): the functions with the most self time and the most
 * inclusive time (self plus everything they called; a recursive function counted once per sample).
 *
 *   npx tsx bench/lib/profile-summary.ts <file.cpuprofile | directory of them> [--top 25]
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface FunctionTime {
  name: string;
  selfMs: number;
  inclusiveMs: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** totalMs less `(idle)`: what the percentages are of. */
  busyMs: number;
  functions: FunctionTime[];
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** `name (file:line)`, with paths inside the project made relative to it. */
function describe(frame: ProfileNode['callFrame']): string {
  const name = frame.functionName || '(anonymous)';
  if (!frame.url) return name;
  const path = frame.url.startsWith('file://') ? fileURLToPath(frame.url) : frame.url;
  const shown = path.startsWith(ROOT) ? relative(ROOT, path) : path;
  return `${name} (${shown}:${frame.lineNumber + 1})`;
}

export function summarizeProfile(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Time per node: each sample is charged the delta to the next one (V8's own convention in DevTools).
  const nodeMs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const next = profile.timeDeltas[i + 1] ?? 0;
    nodeMs.set(id, (nodeMs.get(id) ?? 0) + Math.max(0, next) / 1000);
  });
  const functions = new Map<string, FunctionTime>();
  const entry = (name: string) => {
    let found = functions.get(name);
    if (!found) functions.set(name, (found = { name, selfMs: 0, inclusiveMs: 0 }));
    return found;
  };
  let totalMs = 0;
  for (const [id, ms] of nodeMs) {
    totalMs += ms;
    const node = byId.get(id);
    if (!node) continue;
    entry(describe(node.callFrame)).selfMs += ms;
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame || frame.functionName === '(root)') continue;
      const name = describe(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      entry(name).inclusiveMs += ms;
    }
  }
  return { totalMs, busyMs: totalMs - (functions.get('(idle)')?.selfMs ?? 0), functions: [...functions.values()] };
}

/** Two plain lists, top `top` each, as text. */
export function formatSummary(title: string, summary: ProfileSummary, top = 25): string {
  const pct = (ms: number) => `${((100 * ms) / Math.max(summary.busyMs, 1e-9)).toFixed(1).padStart(5)} %`;
  const list = (key: 'selfMs' | 'inclusiveMs') =>
    summary.functions
      .filter((f) => f.name !== '(idle)')
      .sort((a, b) => b[key] - a[key])
      .slice(0, top)
      .map((f) => `  ${f[key].toFixed(1).padStart(9)} ms ${pct(f[key])}  ${f.name}`);
  return [
    // The profiler samples wall-clock time: on a shared core, time preempted counts for whatever was running.
    `${title}: ${summary.totalMs.toFixed(0)} ms sampled, ${summary.busyMs.toFixed(0)} ms not idle (the % are of that; startup's module loading included)`,
    `top self time:`,
    ...list('selfMs'),
    `top inclusive time:`,
    ...list('inclusiveMs'),
  ].join('\n');
}

export function profileFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.cpuprofile'))
    .sort()
    .map((name) => join(path, name));
}

export function summarizeFile(file: string, top = 25): string {
  return formatSummary(file, summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile), top);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
  if (positionals.length === 0) {
    console.error('usage: npx tsx bench/lib/profile-summary.ts <file.cpuprofile | directory> [--top 25]');
    process.exitCode = 2;
  }
  for (const file of positionals.flatMap(profileFiles)) console.log(`${summarizeFile(file, Number(values.top))}\n`);
}
