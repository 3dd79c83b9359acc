/** The benchmark helpers whose output people read: the CPU profile summary and the nginx configs compared with chgate. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasNginx, NGINX_BINARY, renderNginxConfig, type NginxMode } from '../../../bench/lib/nginx.js';
import { summarizeProfile } from '../../../bench/lib/profile-summary.js';

const frame = (functionName: string, lineNumber = 0) => ({ functionName, url: 'file:///x/app.js', lineNumber });

describe('bench: CPU profile summary', () => {
  // (root) → main → walk → walk (recursion) → leaf; (idle) beside main.
  const profile = {
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 6] },
      { id: 2, callFrame: frame('main', 1), children: [3] },
      { id: 3, callFrame: frame('walk', 5), children: [4] },
      { id: 4, callFrame: frame('walk', 5), children: [5] },
      { id: 5, callFrame: frame('leaf', 9) },
      { id: 6, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
    ],
    // Each sample is charged the delta to the next one (µs): leaf 3 ms, inner walk 2 ms, main 1 ms, idle 4 ms.
    samples: [5, 4, 2, 6, 6],
    timeDeltas: [0, 3000, 2000, 1000, 4000, 0],
    startTime: 0,
    endTime: 10_000,
  };
  const summary = summarizeProfile(profile);
  const byName = (prefix: string) => summary.functions.find((f) => f.name.startsWith(`${prefix} `) || f.name === prefix);

  it('charges self time to the sampled function and leaves idle out of the busy time', () => {
    expect(summary.totalMs).to.equal(10);
    expect(summary.busyMs).to.equal(6);
    expect(byName('leaf')?.selfMs).to.equal(3);
    expect(byName('walk')?.selfMs).to.equal(2);
    expect(byName('main')?.selfMs).to.equal(1);
  });

  it('counts a recursive function once per sample in its inclusive time', () => {
    expect(byName('walk')?.inclusiveMs).to.equal(5);
    expect(byName('main')?.inclusiveMs).to.equal(6);
    expect(byName('leaf')?.inclusiveMs).to.equal(3);
  });

  it('names functions with their file and 1-based line', () => {
    expect(byName('leaf')?.name).to.equal('leaf (/x/app.js:10)');
  });
});

describe('bench: nginx configurations', () => {
  const render = (mode: NginxMode) => renderNginxConfig({ mode, dir: '/tmp/nginx-test', listenPort: 21999, upstream: '127.0.0.1:8123' });

  it('keeps upstream connections alive in both', () => {
    for (const mode of ['pass', 'cache'] as const) {
      const config = render(mode);
      expect(config).to.match(/keepalive 32;/);
      expect(config).to.match(/proxy_http_version 1\.1;/);
      expect(config).to.include('proxy_set_header Connection "";');
    }
  });

  it('caches POST answers keyed on the URI and the body only in the cache configuration', () => {
    const cache = render('cache');
    expect(cache).to.include('proxy_cache_methods POST;');
    expect(cache).to.include('proxy_cache_key "$request_uri|$request_body";');
    expect(cache).to.include('proxy_cache_valid 200 10m;');
    expect(render('pass')).not.to.include('proxy_cache');
  });

  it('is accepted by nginx -t (when nginx is installed)', function () {
    if (!hasNginx()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'chgate-nginx-test-'));
    try {
      for (const mode of ['pass', 'cache'] as const) {
        const path = join(dir, `${mode}.conf`);
        writeFileSync(path, renderNginxConfig({ mode, dir, listenPort: 21999, upstream: '127.0.0.1:8123' }));
        const run = spawnSync(NGINX_BINARY, ['-t', '-q', '-p', dir, '-e', join(dir, 'error.log'), '-c', path], { encoding: 'utf8' });
        expect(run.status, `${mode}: ${run.stderr}`).to.equal(0);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
