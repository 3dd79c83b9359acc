import type { Token } from './lexer.js';
import type { TokenCursor } from './token-cursor.js';

/** A table, database or dictionary name as written, quotes removed: `db.t` or `t`. */
export interface QualifiedName {
  database: string | undefined;
  name: string;
  /** `db.t` when qualified, `t` when not. */
  text: string;
}

const ESCAPES: Record<string, string> = {
  n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f', a: '\x07', v: '\v', e: '\x1b',
};

/**
 * The value inside a quoted token: surrounding quotes dropped, doubled quotes and backslash
 * escapes resolved as ClickHouse reads them (`\n`, `\t`, `\xHH`, `\'`, ...).
 */
export function unquote(raw: string): string {
  const quote = raw[0];
  if (raw.length < 2 || (quote !== "'" && quote !== '"' && quote !== '`') || raw[raw.length - 1] !== quote) {
    return raw;
  }
  const body = raw.slice(1, -1);
  if (!body.includes('\\') && !body.includes(quote)) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i] ?? '';
    if (c === '\\' && i + 1 < body.length) {
      const n = body[i + 1] ?? '';
      if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(body.slice(i + 2, i + 4))) {
        out += String.fromCharCode(parseInt(body.slice(i + 2, i + 4), 16));
        i += 3;
      } else {
        out += ESCAPES[n] ?? n;
        i++;
      }
    } else if (c === quote && body[i + 1] === quote) {
      out += c;
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** The value of a string literal token: `'…'` unescaped, a heredoc's body as is. */
export function stringLiteralValue(token: Token): string {
  if (token.text.startsWith('$')) {
    const tagEnd = token.text.indexOf('$', 1);
    return token.text.slice(tagEnd + 1, token.text.length - tagEnd - 1);
  }
  return unquote(token.text);
}

/** An identifier token's name: a word as written, a quoted identifier unquoted. */
export function identifierName(token: Token): string {
  return token.kind === 'quoted' ? unquote(token.text) : token.text;
}

/** Reads `name` or `db.name` at the cursor; undefined (nothing consumed) when no name is there. */
export function readQualifiedName(cursor: TokenCursor): QualifiedName | undefined {
  const first = cursor.peek();
  if (first === undefined || (first.kind !== 'word' && first.kind !== 'quoted')) return undefined;
  cursor.pos++;
  if (cursor.isPunct('.') && cursor.isName(1)) {
    cursor.pos++;
    const second = cursor.next();
    const database = identifierName(first);
    const name = identifierName(second);
    return { database, name, text: `${database}.${name}` };
  }
  const name = identifierName(first);
  return { database: undefined, name, text: name };
}

/** Like readQualifiedName, but a missing name is a parse failure. */
export function expectQualifiedName(cursor: TokenCursor): QualifiedName {
  const name = readQualifiedName(cursor);
  if (name === undefined) cursor.fail('expected a name');
  return name;
}

/** `text` as a ClickHouse string literal (backslashes and quotes escaped): for the statements chgate writes itself. */
export function sqlStringLiteral(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
