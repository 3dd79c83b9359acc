import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';

/** A TCP relay on 127.0.0.1 in front of a node, for tests that break its connections at chosen moments. */
export interface TcpRelay {
  /** The relay's URL: what chgate (or a probe) is pointed at instead of the node. */
  readonly url: string;
  /** Client connections accepted so far. */
  connections(): number;
  close(): Promise<void>;
}

/**
 * Starts a relay to `target` (a node's URL). Each client connection gets its own connection to the node, and `wire`
 * moves the bytes between them (and cuts, drops or holds them as the test needs). The client's side closing or
 * either side failing closes both; the node's side closing ends the client's once its bytes are written.
 */
export async function startTcpRelay(target: string, wire: (client: Socket, upstream: Socket) => void): Promise<TcpRelay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createServer((client) => {
    connections += 1;
    const upstream = createConnection(Number(port), hostname);
    sockets.add(client).add(upstream);
    const close = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('close', close).on('error', close);
    upstream.on('error', close);
    // The node closed: what was written to the client still goes out, then the client's connection ends too.
    upstream.on('close', () => {
      sockets.delete(upstream);
      client.end();
    });
    wire(client, upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
