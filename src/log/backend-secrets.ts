import type { Config } from '../config/config.js';

/** Every credential of the running config that no log line may show: ClickHouse users' passwords, Redis's. */
export function backendPasswords(config: Config): string[] {
  const passwords = [...config.clusters.values()].flatMap((cluster) => [cluster.writeUser.password, cluster.readUser.password]);
  // Redis client errors can quote the URL.
  if (config.cache.store.kind === 'redis') passwords.push(...urlPasswords(config.cache.store.url));
  return passwords;
}

/** The password of `redis://user:password@host` as written and as decoded. */
function urlPasswords(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const { password } = new URL(url);
    return password === '' ? [] : [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
}
