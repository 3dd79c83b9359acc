/**
 * Slowloris: 500 connections sending their headers one byte per second do not stop normal clients from being
 * served, and chgate closes them after server.headers_timeout_ms (with a 408 in ClickHouse's format); the attackers
 * reconnect at once, as a real slowloris does. Also: connections over server.max_connections are closed at once.
 * By hand: `(printf 'GET / HTTP/1.1\r\nx: '; sleep 20) | nc 127.0.0.1 8124` → after headers_timeout_ms, `HTTP/1.1 408`.
 */
import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { Pool } from 'undici';
import type { LocalCluster } from '../../scripts/local-cluster.js';
import { spawnChgate } from '../helpers/chgate.js';
import { CLUSTER_START_TIMEOUT_MS, TEST_BASE_PORT, getTestCluster } from '../helpers/cluster.js';

const SLOW_CONNECTIONS = 500;
const ATTACK_MS = 10_000;
const HEADERS_TIMEOUT_MS = 3_000;

const withServerKeys = (keys: string) => (yaml: string): string => yaml.replace(/^( {2}listen_port: \d+\n)/m, `$1${keys}`);

interface SlowConnection {
  socket: Socket;
  openedAt: number;
  received: string;
}

describe('slowloris', function () {
  this.timeout(90_000);
  let cluster: LocalCluster;

  before(async function () {
    this.timeout(CLUSTER_START_TIMEOUT_MS);
    cluster = await getTestCluster();
  });

  it(`${SLOW_CONNECTIONS} connections sending headers one byte a second do not stop normal clients, and are closed after headers_timeout_ms`, async () => {
    const port = TEST_BASE_PORT + 232;
    const chgate = await spawnChgate(cluster, port, { editConfig: withServerKeys(`  headers_timeout_ms: ${HEADERS_TIMEOUT_MS}\n`) });
    const client = new Pool(chgate.url, { connections: 4 });
    const live = new Set<SlowConnection>();
    const closedAfterMs: number[] = [];
    let answered408 = 0;
    let attacking = true;
    const open = (): void => {
      const connection: SlowConnection = { socket: connect(port, '127.0.0.1'), openedAt: Date.now(), received: '' };
      connection.socket.setEncoding('latin1');
      connection.socket.on('data', (text: string) => {
        connection.received += text;
      });
      connection.socket.on('error', () => undefined);
      connection.socket.on('connect', () => connection.socket.write('GET /?query=SELECT+1 HTTP/1.1\r\nhost: chgate\r\nx-slow: '));
      connection.socket.on('close', () => {
        live.delete(connection);
        if (!attacking) return;
        closedAfterMs.push(Date.now() - connection.openedAt);
        if (/^HTTP\/1\.1 408 [^]*Code: 159\. DB::Exception: chgate: /.test(connection.received)) answered408 += 1;
        open();
      });
      live.add(connection);
    };
    const drip = setInterval(() => {
      for (const connection of live) if (connection.socket.writable && !connection.socket.connecting) connection.socket.write('a');
    }, 1_000);
    const latencies: number[] = [];
    const failures: string[] = [];
    try {
      for (let i = 0; i < SLOW_CONNECTIONS; i++) open();
      const attackStartedAt = Date.now();
      // A normal client: SELECT 1 every 100 ms while the attack lasts.
      while (Date.now() - attackStartedAt < ATTACK_MS) {
        const sentAt = Date.now();
        try {
          const response = await client.request({ method: 'POST', path: '/', body: 'SELECT 1', headersTimeout: 5_000, bodyTimeout: 5_000 });
          const body = await response.body.text();
          if (response.statusCode !== 200 || body !== '1\n') failures.push(`${response.statusCode} ${body.slice(0, 100)}`);
        } catch (error) {
          failures.push(String(error));
        }
        latencies.push(Date.now() - sentAt);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const slowOpenAtEnd = live.size;
      latencies.sort((a, b) => a - b);
      const p50 = latencies[Math.floor(latencies.length / 2)] ?? 0;
      const max = latencies[latencies.length - 1] ?? 0;
      console.error(
        `      ${latencies.length} normal requests (p50 ${p50} ms, max ${max} ms), ${failures.length} failed; ` +
          `${closedAfterMs.length} slow connections closed by chgate (${answered408} with a 408) after ${Math.min(...closedAfterMs)}-${Math.max(...closedAfterMs)} ms; ${slowOpenAtEnd} open at the end`,
      );
      expect(failures).to.deep.equal([]);
      expect(latencies.length).to.be.above(30);
      // Generous for 2 shared cores; a starved server would take seconds.
      expect(max).to.be.below(2_000);
      // Every slow connection of the first wave was closed, none before the timeout, none much after it.
      expect(closedAfterMs.length).to.be.at.least(SLOW_CONNECTIONS);
      expect(Math.min(...closedAfterMs)).to.be.at.least(HEADERS_TIMEOUT_MS - 200);
      expect(Math.max(...closedAfterMs)).to.be.below(HEADERS_TIMEOUT_MS + 3_000);
      expect(answered408).to.be.at.least(SLOW_CONNECTIONS * 0.9);
      expect(chgate.child.exitCode).to.equal(null);
    } finally {
      attacking = false;
      clearInterval(drip);
      for (const connection of live) connection.socket.destroy();
      await client.close();
      await chgate.stop();
    }
  });

  it('closes connections over max_connections at once, and serves again when they go', async () => {
    const port = TEST_BASE_PORT + 234;
    const chgate = await spawnChgate(cluster, port, { editConfig: withServerKeys('  max_connections: 20\n') });
    const held: Socket[] = [];
    try {
      for (let i = 0; i < 20; i++) {
        const socket = connect(port, '127.0.0.1');
        socket.on('error', () => undefined);
        await new Promise((resolve) => socket.once('connect', resolve));
        held.push(socket);
      }
      // Let the server accept all of them before the one too many.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const extra = connect(port, '127.0.0.1');
      extra.on('error', () => undefined);
      const closedAt = await new Promise<number>((resolve) => {
        extra.once('connect', () => extra.write('GET /ping HTTP/1.1\r\nhost: chgate\r\n\r\n'));
        extra.once('close', () => resolve(Date.now()));
        setTimeout(() => resolve(Infinity), 3_000);
      });
      expect(closedAt, 'the 21st connection was not closed').to.be.below(Infinity);
      for (const socket of held) socket.destroy();
      await new Promise((resolve) => setTimeout(resolve, 200));
      const response = await fetch(`${chgate.url}/`, { method: 'POST', body: 'SELECT 1' });
      expect(await response.text()).to.equal('1\n');
    } finally {
      for (const socket of held) socket.destroy();
      await chgate.stop();
    }
  });
});
