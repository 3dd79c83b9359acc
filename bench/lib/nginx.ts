/**
 * nginx (Debian's nginx-light, `apt-get install -y --no-install-recommends nginx-light` with a policy-rc.d that
 * exits 101 so no service starts) as the reverse proxy chgate is compared with: a foreground process with its own
 * config, pid file, temp directories, cache and error log under one directory, one worker (it shares a core).
 *
 * pass: upstream keep-alive only. cache: proxy_cache keyed on the URI and the POST body, 200s kept 10 minutes and
 * never invalidated (what an operator gets from nginx alone).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { spawnLogged, stopManagedProcess, waitForHttpOk, type ManagedProcess } from '../../scripts/local-cluster.js';

export const NGINX_BINARY = '/usr/sbin/nginx';

export type NginxMode = 'pass' | 'cache';

export interface NginxOptions {
  mode: NginxMode;
  /** Everything nginx writes goes under here (created). */
  dir: string;
  listenPort: number;
  /** host:port of the ClickHouse HTTP interface. */
  upstream: string;
}

export function hasNginx(): boolean {
  return spawnSync(NGINX_BINARY, ['-v']).error === undefined;
}

export function renderNginxConfig(options: NginxOptions): string {
  const { dir, mode } = options;
  const path = (name: string) => JSON.stringify(join(dir, name));
  // Run as root, nginx would switch its worker to `nobody`, which cannot write our temp and cache directories.
  const user = process.getuid?.() === 0 ? `user ${userInfo().username};\n` : '';
  const cache =
    mode === 'cache'
      ? `
      proxy_cache chgate_bench;
      proxy_cache_methods POST;
      # $request_body is only set when the whole body is in memory: the buffer must hold it.
      proxy_cache_key "$request_uri|$request_body";
      proxy_cache_valid 200 10m;
      add_header X-Cache-Status $upstream_cache_status;`
      : `
      # Stream INSERT bodies as they come (the default would first spool them to a temp file).
      proxy_request_buffering off;`;
  return `${user}worker_processes 1;
daemon off;
pid ${path('nginx.pid')};
error_log ${path('error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${path('client_body')};
  proxy_temp_path ${path('proxy_temp')};
  fastcgi_temp_path ${path('fastcgi_temp')};
  uwsgi_temp_path ${path('uwsgi_temp')};
  scgi_temp_path ${path('scgi_temp')};
${mode === 'cache' ? `  proxy_cache_path ${path('cache')} levels=1:2 keys_zone=chgate_bench:32m max_size=2g inactive=10m use_temp_path=off;\n` : ''}  upstream clickhouse {
    server ${options.upstream};
    keepalive 32;
    # ClickHouse closes idle connections after 3 s (keep_alive_timeout); a POST is not retried on a closed one.
    keepalive_timeout 2s;
  }
  server {
    listen 127.0.0.1:${options.listenPort};
    keepalive_requests 10000000;
    client_max_body_size 0;
    client_body_buffer_size 1m;
    location / {
      proxy_pass http://clickhouse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # Large results are passed on at the client's pace rather than spooled to disk.
      proxy_max_temp_file_size 0;${cache}
    }
  }
}
`;
}

/** Writes the config and starts nginx in the foreground; resolves once it proxies ClickHouse's /ping. */
export async function startNginx(options: NginxOptions): Promise<ManagedProcess> {
  mkdirSync(options.dir, { recursive: true });
  const configPath = join(options.dir, 'nginx.conf');
  writeFileSync(configPath, renderNginxConfig(options));
  // -e: the startup error log too goes to our directory, not /var/log/nginx.
  const proc = spawnLogged(`nginx-${options.mode}`, NGINX_BINARY, ['-p', options.dir, '-e', join(options.dir, 'error.log'), '-c', configPath], {
    cwd: options.dir,
    logFile: join(options.dir, 'stdout.log'),
    diagnosticLogs: [join(options.dir, 'error.log')],
  });
  try {
    await waitForHttpOk(`http://127.0.0.1:${options.listenPort}/ping`, proc, 15_000);
  } catch (error) {
    await stopManagedProcess(proc, 5_000);
    throw error;
  }
  return proc;
}
