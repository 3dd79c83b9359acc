import type { Config } from '../config/config.js';

/** Auth settings that still work but should be replaced, one message each, for a warning at load and reload. */
export function findDeprecatedAuthSettings(config: Config): string[] {
  const found: string[] = [];
  for (const user of config.users.values()) {
    if (user.passwordSha256Hex !== undefined) {
      found.push(`users.${user.name}.password_sha256_hex is deprecated (unsalted): replace it with password_hash from \`chgate hash-password\``);
    }
  }
  return found;
}
