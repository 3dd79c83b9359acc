/** The module boundaries of DESIGN.md, checked on the import statements of src/. */
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const srcDir = fileURLToPath(new URL('../../src/', import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

interface ImportEdge {
  from: string;
  to: string;
}

const files = sourceFiles(srcDir).map((path) => relative(srcDir, path));
const edges: ImportEdge[] = files.flatMap((file) => {
  const text = readFileSync(join(srcDir, file), 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((match) => {
    const specifier = match[1] as string;
    const to = specifier.startsWith('.') ? relative(srcDir, resolve(dirname(join(srcDir, file)), specifier)).replace(/\.js$/, '.ts') : specifier;
    return { from: file, to };
  });
});

const area = (file: string): string => (file.includes('/') ? (file.split('/')[0] as string) : file.replace(/\.ts$/, ''));
const importsOf = (fromArea: string): ImportEdge[] => edges.filter((edge) => area(edge.from) === fromArea);
const isInternal = (edge: ImportEdge): boolean => !edge.to.startsWith('node:') && files.includes(edge.to);

describe('architecture', () => {
  it('finds the source files and their imports', () => {
    expect(files.length).to.be.greaterThan(20);
    expect(edges.length).to.be.greaterThan(40);
  });

  it('sql/, routing/ and rules/ do no I/O: no node: modules with side effects, no HTTP clients, no other layers', () => {
    // node:module: node-sql-parser is loaded lazily, once, only when the fallback is first needed.
    const allowedNode = new Set(['node:crypto', 'node:util', 'node:module']);
    for (const layer of ['sql', 'routing', 'rules']) {
      for (const edge of importsOf(layer)) {
        if (edge.to.startsWith('node:')) expect(allowedNode.has(edge.to), `${edge.from} imports ${edge.to}`).to.equal(true);
        // rules/ -> cache/: only the type of a cache rule (rule-cache.ts).
        else if (isInternal(edge)) expect(['sql', 'routing', 'errors', 'rules', ...(layer === 'rules' ? ['cache'] : [])], `${edge.from} imports ${edge.to}`).to.include(area(edge.to));
        else expect(['node-sql-parser'], `${edge.from} imports ${edge.to}`).to.include(edge.to);
      }
    }
  });

  it('upstream/ knows no SQL and no proxy users', () => {
    for (const edge of importsOf('upstream').filter(isInternal)) {
      expect(['sql', 'auth', 'routing', 'cache', 'pipeline'], `${edge.from} imports ${edge.to}`).to.not.include(area(edge.to));
    }
  });

  it('errors/ and metrics/ are leaves', () => {
    for (const layer of ['errors', 'metrics']) {
      for (const edge of importsOf(layer).filter(isInternal)) expect(area(edge.to), `${edge.from} imports ${edge.to}`).to.equal(layer);
    }
  });

  it('only main.ts and the CLI wire modules together (nothing imports main.ts or pipeline.ts but them)', () => {
    for (const edge of edges.filter((e) => e.to === 'main.ts' || e.to === 'pipeline.ts')) {
      expect(['main.ts', 'cli/run-cli.ts'], `${edge.from} imports ${edge.to}`).to.include(edge.from);
    }
  });

  it('has no import cycles', () => {
    const graph = new Map<string, string[]>();
    for (const edge of edges.filter(isInternal)) graph.set(edge.from, [...(graph.get(edge.from) ?? []), edge.to]);
    const state = new Map<string, 'visiting' | 'done'>();
    const cycles: string[] = [];
    const visit = (file: string, path: string[]): void => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' -> '));
        return;
      }
      state.set(file, 'visiting');
      for (const next of graph.get(file) ?? []) visit(next, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of files) visit(file, []);
    expect(cycles).to.deep.equal([]);
  });
});
