/**
 * The least a Node.js reverse proxy of chgate's shape does per request: node:http in front, an undici keep-alive pool
 * behind, bodies streamed both ways, no parsing, routing, auth, cache or logs. bench/vs-nginx.ts runs it beside
 * chgate and nginx so the floor of any Node proxy on that core is measured in the same run.
 *
 *   node --import tsx bench/lib/minimal-node-proxy.ts <listen port> <upstream origin>
 */
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { Pool } from 'undici';

// Per connection, not per message: never forwarded (RFC 9110 7.6.1), Host is the upstream's.
const hopByHop = new Set(['connection', 'keep-alive', 'transfer-encoding', 'host', 'upgrade', 'te', 'trailer', 'proxy-connection']);

function endToEnd(headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const name in headers) if (!hopByHop.has(name) && headers[name] !== undefined) kept[name] = headers[name];
  return kept;
}

const [port, upstream] = process.argv.slice(2);
if (!port || !upstream) throw new Error('usage: minimal-node-proxy.ts <listen port> <upstream origin>');
const pool = new Pool(upstream, { connections: 128, pipelining: 1 });

createServer((request, response) => {
  const hasBody = request.method !== 'GET' && request.method !== 'HEAD';
  pool
    .stream({ path: request.url ?? '/', method: request.method as 'GET', headers: endToEnd(request.headers) as Record<string, string>, body: hasBody ? request : null }, ({ statusCode, headers }) => {
      response.writeHead(statusCode, endToEnd(headers));
      return response;
    })
    .catch(() => {
      if (!response.headersSent) response.writeHead(502).end();
      else response.destroy();
    });
}).listen(Number(port), '127.0.0.1');
