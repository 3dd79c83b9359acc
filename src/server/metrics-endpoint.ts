import type { IncomingMessage, ServerResponse } from 'node:http';
import type { PeerCheck } from '../auth/allowed-peers.js';
import { ChgateError } from '../errors/error-catalogue.js';
import type { Logger } from '../log/create-logger.js';
import type { Metrics } from '../metrics/create-metrics.js';
import { sendError } from '../response/send-plain.js';

/** GET /metrics: Prometheus text, for peers in metrics.allowed_networks (the TCP peer; X-Forwarded-For is not read). */
export function createMetricsHandler(deps: { metrics: Metrics; logger: Logger; isAllowedPeer: PeerCheck }): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    request.resume();
    if (!deps.isAllowedPeer(request.socket.remoteAddress ?? '')) {
      deps.metrics.endpointRefused.inc({ endpoint: 'metrics' });
      return sendError(response, new ChgateError('ACCESS_DENIED', 'this address may not read /metrics (metrics.allowed_networks)'));
    }
    let text: string;
    try {
      text = await deps.metrics.registry.metrics();
    } catch (error) {
      deps.logger.error('metrics collection failed', { error: String(error) });
      return sendError(response, new ChgateError('INTERNAL_ERROR', 'metrics collection failed'));
    }
    response.writeHead(200, { 'content-type': deps.metrics.registry.contentType });
    response.end(text);
  };
}
