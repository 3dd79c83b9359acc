/** chgate_cache_requests_total summed over users and reasons for one result (hit, miss, bypass), from /metrics. */
export async function cacheRequestsTotal(baseUrl: string, result: string): Promise<number> {
  const text = await (await fetch(new URL('/metrics', baseUrl))).text();
  let total = 0;
  for (const match of text.matchAll(/^chgate_cache_requests_total\{([^}]*)\} (\d+)/gm)) {
    if (match[1]?.includes(`result="${result}"`)) total += Number(match[2]);
  }
  return total;
}
