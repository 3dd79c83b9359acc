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

// What each pattern above needs to match at all: one cheap scan lets the usual line (no credential) skip all three.
const mayHoldCredential = /password=|:\/\/|authorization|x-clickhouse-key/i;

/** `text` with every credential it carries replaced by MASK. Empty secrets are ignored. */
export function maskSecrets(text: string, secrets: readonly string[] = []): string {
  return maskForms(text, formsOf(secrets));
}

/**
 * maskSecrets for a logger: the same secrets array comes with every line until a reload, so the forms of each array
 * are worked out once (kept per masker, weakly, so an array dropped by a reload goes with them).
 */
export function createSecretMasker(): (text: string, secrets: readonly string[]) => string {
  const formsBySecrets = new WeakMap<readonly string[], readonly string[]>();
  return (text, secrets) => {
    let forms = formsBySecrets.get(secrets);
    if (!forms) {
      forms = formsOf(secrets);
      formsBySecrets.set(secrets, forms);
    }
    return maskForms(text, forms);
  };
}

function maskForms(text: string, forms: readonly string[]): string {
  let masked = mayHoldCredential.test(text)
    ? text.replace(passwordParameter, `$1${MASK}`).replace(urlUserInfo, `$1${MASK}$2`).replace(credentialHeader, `$1${MASK}`)
    : text;
  for (const form of forms) {
    if (masked.includes(form)) masked = masked.split(form).join(MASK);
  }
  return masked;
}

// Each secret as written, and as it appears inside a JSON string (quotes and backslashes escaped) or a URL.
function formsOf(secrets: readonly string[]): string[] {
  return secrets.flatMap((secret) => (secret === '' ? [] : secretForms(secret)));
}

// Characters neither JSON nor encodeURIComponent escapes: a secret made of them only has one form.
const plainSecret = /^[A-Za-z0-9\-_.!~*'()]*$/;

function secretForms(secret: string): string[] {
  const forms = [secret];
  if (plainSecret.test(secret)) return forms;
  const inJson = JSON.stringify(secret).slice(1, -1);
  if (inJson !== secret) forms.push(inJson);
  const encoded = encodeURIComponent(secret);
  if (encoded !== secret && encoded !== inJson) forms.push(encoded);
  return forms;
}
