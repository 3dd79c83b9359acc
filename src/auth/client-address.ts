import { BlockList, isIP, isIPv4 } from 'node:net';

/**
 * The address a client's allowed networks are checked against. X-Forwarded-For is believed only from a peer in
 * `trusted` (server.trusted_proxies): anyone else could write any address into it. Walking the header from the right
 * (each proxy appends the address it saw), trusted proxies are skipped and the first other address is the client;
 * entries left of it were written by the client itself and prove nothing. When every hop is trusted, the leftmost.
 */
export function resolveClientAddress(peer: string, forwardedFor: string | string[] | undefined, trusted: BlockList | undefined): string {
  if (!trusted || forwardedFor === undefined || !isAddressInList(trusted, peer)) return peer;
  const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
    .split(',')
    .map((hop) => stripPort(hop.trim()))
    .filter((hop) => hop !== '');
  let client = peer;
  for (let index = hops.length - 1; index >= 0; index--) {
    client = hops[index] as string;
    // Not an address: stop here; it matches no network, so the request is refused rather than guessed at.
    if (isIP(client) === 0 || !isAddressInList(trusted, client)) return client;
  }
  return client;
}

/** `1.2.3.4:5678`, `[::1]`, `[::1]:5678` → the address alone (some proxies send ports). */
function stripPort(hop: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hop);
  if (bracketed?.[1]) return bracketed[1];
  const v4WithPort = /^(\d+\.\d+\.\d+\.\d+):\d+$/.exec(hop);
  return v4WithPort?.[1] ?? hop;
}

/** Checks an address against CIDR lists; IPv4-mapped IPv6 (`::ffff:a.b.c.d`, from dual-stack sockets) as IPv4 too. */
export function isAddressInList(list: BlockList, address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped && isIPv4(mapped) && list.check(mapped, 'ipv4')) return true;
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
