import { formatDataStart, InsertDataLocator, scanValuesData } from './insert-data.js';
import { SqlLexer } from './lexer.js';
import type { StatementSlice } from './types.js';

/**
 * Cuts a request body into statements at top-level `;`, the way a ClickHouse client would.
 *
 * ClickHouse refuses multi-statement bodies over HTTP, so splitting is chgate's job; the cut
 * must agree with ClickHouse's lexer (a `;` inside a string, identifier, comment or heredoc
 * does not split) and must stop lexing where INSERT data begins. Pure, never throws, linear:
 * the proxy runs it on the first ~1 MiB of bodies that may be much larger and cut anywhere.
 */
export function splitStatements(text: string): StatementSlice[] {
  const slices: StatementSlice[] = [];
  try {
    splitInto(text, slices);
  } catch {
    // Unreachable by design; if it ever happens, the rest of the body is one unknown statement.
    const start = slices.length > 0 ? (slices[slices.length - 1]?.end ?? 0) : 0;
    slices.push({ start, end: text.length, sql: text.slice(start), truncated: true });
  }
  return slices;
}

function splitInto(text: string, slices: StatementSlice[]): void {
  const lexer = new SqlLexer(text);
  let start = -1;
  let lastEnd = 0;
  let depth = 0;
  let locator = new InsertDataLocator();

  const finish = (end: number, truncated: boolean, sqlEnd = end): void => {
    slices.push({ start, end, sql: text.slice(start, sqlEnd), truncated });
    start = -1;
    depth = 0;
    locator = new InsertDataLocator();
  };

  for (;;) {
    if (!lexer.next()) {
      if (start >= 0) {
        if (lexer.unterminated) finish(text.length, true);
        else finish(lastEnd, depth > 0);
      } else if (lexer.unterminated) {
        // Only an unclosed comment is left: kept as a truncated statement so the caller sees
        // that the text did not end cleanly (it classifies as unknown, never as a read).
        start = lexer.unterminatedAt;
        finish(text.length, true);
      }
      return;
    }
    const tokenStart = lexer.start;
    const tokenEnd = lexer.end;
    const isPunct = lexer.kind === 'punct';
    const single = isPunct && tokenEnd - tokenStart === 1 ? text.charCodeAt(tokenStart) : -1;

    if (single === 59 /* ; */ && depth === 0) {
      if (start >= 0) finish(lastEnd, false);
      continue;
    }
    if (start < 0) start = tokenStart;
    if (lexer.kind === 'error' && lexer.unterminated) {
      finish(text.length, true);
      return;
    }

    const depthBefore = depth;
    if (single === 40 || single === 91 || single === 123) depth++;
    else if ((single === 41 || single === 93 || single === 125) && depth > 0) depth--;

    const upper = lexer.kind === 'word' || isPunct ? text.slice(tokenStart, tokenEnd).toUpperCase() : '';
    const data = locator.feed(lexer.kind, upper, depthBefore);
    lastEnd = tokenEnd;
    if (data === undefined) continue;

    if (data.kind === 'values') {
      lexer.pos = tokenEnd;
      if (!lexer.skipInsignificant()) {
        finish(text.length, true, tokenEnd);
        return;
      }
      const dataStart = lexer.pos;
      const scan = scanValuesData(text, dataStart);
      if (scan.end > dataStart) {
        slices.push({
          start,
          end: scan.end,
          sql: text.slice(start, tokenEnd),
          data: { start: dataStart, end: scan.end, kind: 'values' },
          truncated: scan.truncated,
        });
        start = -1;
        depth = 0;
        locator = new InsertDataLocator();
      } else {
        finish(tokenEnd, false);
      }
      lexer.pos = scan.stop < text.length ? scan.stop + 1 : text.length;
      continue;
    }

    // FORMAT name: ClickHouse refuses a `;` glued to the name; read it as the statement's end.
    if (text.charCodeAt(tokenEnd) === 59) {
      finish(tokenEnd, false);
      lexer.pos = tokenEnd + 1;
      continue;
    }
    const dataStart = formatDataStart(text, tokenEnd);
    if (dataStart < text.length) {
      slices.push({
        start,
        end: text.length,
        sql: text.slice(start, tokenEnd),
        data: { start: dataStart, end: text.length, kind: 'format' },
        truncated: false,
      });
    } else {
      finish(tokenEnd, false);
    }
    return;
  }
}
