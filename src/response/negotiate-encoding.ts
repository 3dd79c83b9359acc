/** Content-Encodings chgate can make itself (node:zlib), when ClickHouse cannot make one the client accepts. */
export const proxyEncodings = ['gzip', 'deflate', 'br'] as const;
export type ProxyEncoding = (typeof proxyEncodings)[number];

/**
 * How a response is compressed for a client that sent Accept-Encoding: by ClickHouse (asked with
 * `enable_http_compression=1` and the chosen Accept-Encoding: no proxy CPU, and the bytes cross the loopback
 * compressed too), or by chgate when ClickHouse makes none the client accepts (brotli on 18.16).
 */
export type EncodingChoice = { by: 'clickhouse'; encoding: string } | { by: 'chgate'; encoding: ProxyEncoding };

/**
 * Accept-Encoding as a map from lower-cased coding to its q-value (RFC 9110 12.5.3); `*` stands for any coding not
 * named. Malformed q-values count as 1, as most servers read them.
 */
export function parseAcceptEncoding(header: string): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...parameters] = part.split(';');
    const coding = (name ?? '').trim().toLowerCase();
    if (coding === '') continue;
    let quality = 1;
    for (const parameter of parameters) {
      const [key, value] = parameter.split('=');
      if (key?.trim().toLowerCase() !== 'q') continue;
      const parsed = Number(value?.trim());
      if (value !== undefined && value.trim() !== '' && Number.isFinite(parsed)) quality = Math.min(1, Math.max(0, parsed));
    }
    // The first mention of a coding counts.
    if (!accepted.has(coding)) accepted.set(coding, quality);
  }
  return accepted;
}

function qualityOf(accepted: ReadonlyMap<string, number>, coding: string): number {
  return accepted.get(coding) ?? accepted.get('*') ?? 0;
}

/** The acceptable coding among `offered` the client rates highest (first offered wins a tie); undefined: none. */
function bestOf(accepted: ReadonlyMap<string, number>, offered: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestQuality = 0;
  for (const coding of offered) {
    const quality = qualityOf(accepted, coding);
    if (quality > bestQuality) {
      best = coding;
      bestQuality = quality;
    }
  }
  return best;
}

/**
 * The encoding for a client's Accept-Encoding: one ClickHouse makes (`clickhouseEncodings`, in the operator's order
 * of preference) whenever the client accepts any, since that costs chgate nothing, else one chgate makes, else
 * undefined (identity). `identity`, `*;q=0` and unknown codings are never chosen.
 */
export function negotiateEncoding(acceptEncoding: string | undefined, clickhouseEncodings: readonly string[]): EncodingChoice | undefined {
  if (acceptEncoding === undefined || acceptEncoding.trim() === '') return undefined;
  const accepted = parseAcceptEncoding(acceptEncoding);
  const byClickHouse = bestOf(accepted, clickhouseEncodings);
  if (byClickHouse !== undefined) return { by: 'clickhouse', encoding: byClickHouse };
  const byChgate = bestOf(accepted, proxyEncodings) as ProxyEncoding | undefined;
  return byChgate === undefined ? undefined : { by: 'chgate', encoding: byChgate };
}
