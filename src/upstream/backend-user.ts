import type { BackendCredentials } from '../config/config.js';
import { backendUserHeaders } from './backend-user-headers.js';
import type { UpstreamNode, UpstreamResponse } from './upstream-node.js';


/**
 * One statement of chgate's own (KILL QUERY, a system table poll), sent through the node's pool as `choice`'s user.
 * `urgent`: never queued behind traffic (a KILL must get through precisely when the node is saturated).
 */
export function sendAsBackendUser(
  choice: { node: UpstreamNode; credentials: BackendCredentials },
  statement: string,
  options: { urgent?: boolean } = {},
): Promise<UpstreamResponse> {
  return choice.node.request({ method: 'POST', path: '/', headers: backendUserHeaders(choice.credentials), body: Buffer.from(statement), ...(options.urgent ? { urgent: true } : {}) });
}
