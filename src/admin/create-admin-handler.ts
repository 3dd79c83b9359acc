import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AuthenticatedUser, Authenticator } from '../auth/create-authenticator.js';
import { extractCredentials } from '../auth/extract-credentials.js';
import { ChgateError, toChgateError } from '../errors/error-catalogue.js';
import { sendError, sendJson } from '../response/send-plain.js';
import { describeDigestEntry, digestSortKeys, type DigestSortKey, type QueryDigest } from '../observability/query-digest.js';

/** What the admin endpoints can do to the cache, without knowing how it works. */
export interface CacheAdministration {
  /** Every entry (no table) or every entry that read `table` (as `db.t`) becomes unreachable. */
  purge(table: string | undefined): Promise<void>;
}

export type AdminHandler = (request: IncomingMessage, response: ServerResponse, url: URL) => Promise<void>;

/** /admin/*: only for proxy users with `admin: true`, authenticated like any ClickHouse client. */
export function createAdminHandler(deps: { authenticator: Authenticator; cache: CacheAdministration | undefined; digest?: QueryDigest | undefined }): AdminHandler {
  return async (request, response, url) => {
    request.resume();
    try {
      await authenticateAdmin(deps.authenticator, request, url);
      if (url.pathname === '/admin/cache/purge') {
        if (request.method !== 'POST') throw new ChgateError('UNSUPPORTED_METHOD', 'use POST to purge the cache');
        if (!deps.cache) throw new ChgateError('BAD_ARGUMENTS', 'the cache is disabled');
        const table = url.searchParams.get('table') ?? undefined;
        await deps.cache.purge(table);
        sendJson(response, 200, { purged: table ?? 'all' });
        return;
      }
      if (url.pathname === '/admin/digest' || url.pathname === '/admin/digest/reset') {
        if (!deps.digest) throw new ChgateError('BAD_ARGUMENTS', 'the query digest is not running');
        if (url.pathname === '/admin/digest/reset') {
          if (request.method !== 'POST') throw new ChgateError('UNSUPPORTED_METHOD', 'use POST to reset the query digest');
          const dropped = deps.digest.size();
          deps.digest.reset();
          sendJson(response, 200, { reset: true, fingerprints_dropped: dropped });
          return;
        }
        if (request.method !== 'GET') throw new ChgateError('UNSUPPORTED_METHOD', 'use GET to read the query digest');
        const { sort, limit } = readDigestQuery(url.searchParams);
        sendJson(response, 200, { sort, fingerprints: deps.digest.size(), entries: deps.digest.top({ sort, limit }).map(describeDigestEntry) });
        return;
      }
      throw new ChgateError('NOT_FOUND', `there is no admin endpoint ${url.pathname}`);
    } catch (error) {
      sendError(response, toChgateError(error));
    }
  };
}

/** The request's credentials name a proxy user with `admin: true` (from one of its networks); else rejects. */
export async function authenticateAdmin(authenticator: Authenticator, request: IncomingMessage, url: URL): Promise<AuthenticatedUser> {
  const credentials = extractCredentials(request.headers, url.searchParams);
  const user = await authenticator.authenticate(credentials, request.socket.remoteAddress ?? '', request.headers['x-forwarded-for']);
  if (!user.isAdmin) throw new ChgateError('ACCESS_DENIED', `${user.name}: the admin endpoints need a user with admin: true`);
  return user;
}

/** `?sort=` one of digestSortKeys (default total_time), `?limit=` 1..10000 (default 100). */
function readDigestQuery(params: URLSearchParams): { sort: DigestSortKey; limit: number } {
  const sortText = params.get('sort') ?? 'total_time';
  if (!(digestSortKeys as readonly string[]).includes(sortText)) {
    throw new ChgateError('BAD_ARGUMENTS', `sort must be one of ${digestSortKeys.join(', ')}`);
  }
  const limitText = params.get('limit') ?? '100';
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 10_000) throw new ChgateError('BAD_ARGUMENTS', 'limit must be a whole number from 1 to 10000');
  return { sort: sortText as DigestSortKey, limit };
}
