import { networkList } from '../config/parse-cidr.js';
import { isAddressInList } from './client-address.js';

/** Whether a TCP peer (the socket's address, never X-Forwarded-For) may use an endpoint. */
export type PeerCheck = (address: string) => boolean;

/** `networks` as CIDRs or addresses (validated at config load); undefined lets every peer in. */
export function createPeerCheck(networks: readonly string[] | undefined): PeerCheck {
  if (networks === undefined) return () => true;
  const list = networkList(networks);
  return (address) => isAddressInList(list, address);
}
