/**
 * A redis-server for tests and benchmarks (Debian's `redis-server`, never a system service): foreground, on
 * 127.0.0.1, no persistence, so a kill loses everything, as a crash without RDB/AOF does.
 */
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { spawnLogged, stopManagedProcess, waitUntil, type ManagedProcess } from './local-cluster.js';

/** True when something on the port answers PING with +PONG. */
export function redisAnswersPing(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean): void => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => done(data.toString('latin1').startsWith('+PONG')));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Starts redis-server on `port` (its log in `dir`) and waits until it answers PING. */
export async function startRedisServer(port: number, dir: string): Promise<ManagedProcess> {
  mkdirSync(dir, { recursive: true });
  const redis = spawnLogged('redis', 'redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
    cwd: dir,
    logFile: join(dir, `redis-${port}.log`),
  });
  try {
    await waitUntil(`redis-server on port ${port}`, async () => {
      if (redis.hasExited()) throw new Error(`redis-server exited (log: ${redis.logFile})`);
      return (await redisAnswersPing(port)) || undefined;
    }, { timeoutMs: 10_000, intervalMs: 50 });
  } catch (error) {
    await stopManagedProcess(redis, 2_000);
    throw error;
  }
  return redis;
}
