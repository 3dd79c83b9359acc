/**
 * Masks credentials in text chgate writes to its logs: passwords in URLs (`?password=`, `user:pass@`), the values
 * of credential headers (`X-ClickHouse-Key`, `Authorization`, `Proxy-Authorization`) and every secret named in the
 * config (backend passwords), wherever they appear. Pure: the caller says which secrets it knows.
 */
export const MASK = '******';

// `password=secret` in a query string or form body, up to the next separator.
const passwordParameter = /(\bpassword=)[^&\s"'\\]*/gi;
// `scheme://user:secret@host`
const urlUserInfo = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s"'\\]*:)[^@/\s"'\\]*(@)/gi;
// Header lines and JSON-ish `"x-clickhouse-key":"secret"` pairs.
const credentialHeader = /(\b(?:x-clickhouse-key|authorization|proxy-authorization)["']?\s*[:=]\s*["']?)(?:(?:basic|bearer)\s+)?[^"'\r\n,}]*/gi;

/** `text` with every credential it carries replaced by MASK. Empty secrets are ignored. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  let masked = text
    .replace(passwordParameter, `$1${MASK}`)
    .replace(urlUserInfo, `$1${MASK}$2`)
    .replace(credentialHeader, `$1${MASK}`);
  for (const secret of secrets) {
    if (secret === '') continue;
    // As written, and as it appears inside a JSON string (quotes and backslashes escaped).
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)])) {
      masked = masked.split(form).join(MASK);
    }
  }
  return masked;
}
