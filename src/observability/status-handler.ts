/**
 * GET /status (the HTML page) and /status.json (its data). Browsers cannot send X-ClickHouse-User, so access is by
 * the TCP peer: peers in `status.allowed_networks` (loopback by default) are served without credentials; anyone else
 * needs the Basic credentials of a proxy user with `admin: true` (a 401 with WWW-Authenticate makes a browser ask).
 * X-Forwarded-For plays no part in the network check.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { authenticateAdmin } from '../admin/create-admin-handler.js';
import { sendError, sendJson } from '../response/send-plain.js';
import type { PeerCheck } from '../auth/allowed-peers.js';
import type { Authenticator } from '../auth/create-authenticator.js';
import { ChgateError, toChgateError } from '../errors/error-catalogue.js';
import { renderStatusPage } from './status-page.js';
import type { StatusSnapshot } from './status-snapshot.js';

export interface StatusHandlerDependencies {
  /** The allowed networks of the moment (a reload may change them). */
  isAllowedPeer: PeerCheck;
  authenticator: Authenticator;
  snapshot(): StatusSnapshot;
  /** A request was refused (outside the networks, and no admin credentials). */
  onRefused?: () => void;
}

const challenge = { 'www-authenticate': 'Basic realm="chgate status", charset="UTF-8"' };

export function createStatusHandler(deps: StatusHandlerDependencies): (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void> {
  return async (request, response, url) => {
    request.resume();
    try {
      if (request.method !== 'GET' && request.method !== 'HEAD') throw new ChgateError('UNSUPPORTED_METHOD', 'use GET for the status page');
      if (!deps.isAllowedPeer(request.socket.remoteAddress ?? '')) {
        if (request.headers.authorization === undefined && request.headers['x-clickhouse-user'] === undefined) {
          deps.onRefused?.();
          sendError(response, new ChgateError('AUTHENTICATION_FAILED', 'the status page needs an admin user from outside status.allowed_networks'), { headers: challenge });
          return;
        }
        try {
          await authenticateAdmin(deps.authenticator, request, url);
        } catch (error) {
          deps.onRefused?.();
          throw error;
        }
      }
      const snapshot = deps.snapshot();
      if (url.pathname === '/status.json') {
        sendJson(response, 200, snapshot);
        return;
      }
      response.writeHead(200, { 'content-type': 'text/html; charset=UTF-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
      response.end(renderStatusPage(snapshot));
    } catch (error) {
      const failure = toChgateError(error);
      sendError(response, failure, failure.status === 401 ? { headers: challenge } : {});
    }
  };
}
