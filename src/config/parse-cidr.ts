import { BlockList, isIP } from 'node:net';

/** Adds `address` or `address/prefix` to `list`; false when it is neither. */
export function parseCidr(network: string, list: BlockList): boolean {
  const [address = '', prefixText, extra] = network.trim().split('/');
  if (extra !== undefined) return false;
  const family = isIP(address);
  if (family === 0) return false;
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (prefixText === undefined) {
    list.addAddress(address, type);
    return true;
  }
  if (!/^\d{1,3}$/.test(prefixText)) return false;
  const prefix = Number(prefixText);
  if (prefix > (family === 4 ? 32 : 128)) return false;
  list.addSubnet(address, prefix, type);
  return true;
}

/** Every network of `networks` in one list (each validated at config load; one that is not an address is skipped). */
export function networkList(networks: Iterable<string>): BlockList {
  const list = new BlockList();
  for (const network of networks) parseCidr(network, list);
  return list;
}
