import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator } from '../auth/create-authenticator.js';
import { extractCredentials } from '../auth/extract-credentials.js';
import { ChgateError, formatErrorBody, toChgateError } from '../errors/error-catalogue.js';

/** What the admin endpoints can do to the cache, without knowing how it works. */
export interface CacheAdministration {
  /** Every entry (no table) or every entry that read `table` (as `db.t`) becomes unreachable. */
  purge(table: string | undefined): Promise<void>;
}

export type AdminHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/** /admin/*: only for proxy users with `admin: true`, authenticated like any ClickHouse client. */
export function createAdminHandler(deps: { authenticator: Authenticator; cache: CacheAdministration | undefined }): AdminHandler {
  return async (request, response, url) => {
    request.resume();
    try {
      const credentials = extractCredentials(request.headers, url.searchParams);
      const user = await deps.authenticator.authenticate(credentials, request.socket.remoteAddress ?? '', request.headers['x-forwarded-for']);
      if (!user.isAdmin) throw new ChgateError('ACCESS_DENIED', `${user.name}: the admin endpoints need a user with admin: true`);
      if (url.pathname === '/admin/cache/purge') {
        if (request.method !== 'POST') throw new ChgateError('UNSUPPORTED_METHOD', 'use POST to purge the cache');
        if (!deps.cache) throw new ChgateError('BAD_ARGUMENTS', 'the cache is disabled');
        const table = url.searchParams.get('table') ?? undefined;
        await deps.cache.purge(table);
        sendJson(response, 200, { purged: table ?? 'all' });
        return;
      }
      throw new ChgateError('NOT_FOUND', `there is no admin endpoint ${url.pathname}`);
    } catch (error) {
      const failure = toChgateError(error);
      response.writeHead(failure.status, {
        'content-type': 'text/plain; charset=UTF-8',
        'x-clickhouse-exception-code': String(failure.code),
      });
      response.end(formatErrorBody(failure));
    }
  };
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  response.end(`${JSON.stringify(body)}\n`);
}
