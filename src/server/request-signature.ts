import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';

/**
 * Request headers that can change what chgate decides or what ClickHouse answers, besides credentials (the
 * signature holds the authenticated user instead). Every header decodeRequest folds in or forwards is here.
 */
const signatureHeaders = ['x-clickhouse-database', 'x-clickhouse-format', 'accept-encoding', 'x-clickhouse-quota', 'content-type'] as const;

function headerText(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  if (value === undefined) return '-';
  return `+${Array.isArray(value) ? value.join(', ') : value}`;
}

/**
 * A request the hit fast path may read whole: GET, or POST with a known small body chgate need not decode. HEAD is
 * never cached (it has no body to replay).
 */
export function isFastPathCandidate(request: IncomingMessage, maxBodyBytes: number): boolean {
  if (request.method === 'GET') return true;
  if (request.method !== 'POST') return false;
  const { headers } = request;
  const encoding = headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return false;
  const length = headers['content-length'];
  return length !== undefined && headers['transfer-encoding'] === undefined && Number(length) <= maxBodyBytes;
}

/**
 * Everything that decides a request's route and cache key, as one string: two requests with the same signature
 * are decided alike. query_id is left out: clients such as @clickhouse/client send a new one with every request,
 * and it never changes a result.
 */
export function requestSignature(userName: string, request: IncomingMessage, url: URL, body: Buffer | undefined): string {
  let search = url.search;
  if (search.includes('query_id=')) {
    // On the raw text, so the rest keeps its exact encoding; `query%5Fid` is not recognised, which only costs a miss.
    const kept = search.slice(1).split('&').filter((pair) => !pair.startsWith('query_id='));
    search = kept.length === 0 ? '' : `?${kept.join('&')}`;
  }
  let signature = `${userName.length}:${userName}\n${request.method ?? ''}\n${search.length}:${search}\n`;
  for (const name of signatureHeaders) signature += `${headerText(request.headers, name)}\n`;
  // latin1 keeps every byte as one character, so distinct bodies give distinct strings.
  if (body) signature += body.toString('latin1');
  return signature;
}
