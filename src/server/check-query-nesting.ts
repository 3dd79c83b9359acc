/**
 * A guard for ClickHouse's recursive parser: ClickHouse 18.16 dies (the whole server process, every client's queries
 * with it) on `SELECT ((((…1…))))` about 1000 parentheses deep and on a `1+1+…` chain of some 300k terms (measured;
 * newer servers have max_parser_depth). chgate refuses such text before it reaches a node. Lexical only: string
 * literals, quoted names and comments are skipped; INSERT data after FORMAT / VALUES is held to the depth limit only.
 */

/** A chain this long is refused by ClickHouse itself (max_ast_depth, default 1000), so refusing it costs nothing. */
export const MAX_OPERATOR_CHAIN = 1000;

const QUOTE_SINGLE = 0x27;
const QUOTE_DOUBLE = 0x22;
const BACKTICK = 0x60;
const BACKSLASH = 0x5c;

/** Why `text` must not be sent, or undefined. `maxDepth` bounds nesting of ( and [. */
export function findNestingProblem(text: Buffer, maxDepth: number): string | undefined {
  let depth = 0;
  // Arithmetic and || operators since the last , ( ) [ ] ; at any depth: ClickHouse nests each one in the AST.
  let chain = 0;
  // After FORMAT or VALUES at depth 0 the rest of the statement is data: its operators are not expressions.
  let inData = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const byte = text[i] as number;
    if (byte === QUOTE_SINGLE || byte === QUOTE_DOUBLE || byte === BACKTICK) {
      i = skipQuoted(text, i, byte);
      continue;
    }
    if (byte === 0x2d && text[i + 1] === 0x2d) {
      // -- comment to the end of the line
      while (i < length && text[i] !== 0x0a) i++;
      continue;
    }
    if (byte === 0x2f && text[i + 1] === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? length : end + 1;
      continue;
    }
    switch (byte) {
      case 0x28: // (
      case 0x5b: // [
        depth += 1;
        chain = 0;
        if (depth > maxDepth) return `the query nests parentheses or brackets more than ${maxDepth} deep (server.max_query_depth)`;
        break;
      case 0x29: // )
      case 0x5d: // ]
        depth = Math.max(0, depth - 1);
        chain = 0;
        break;
      case 0x2c: // ,
        chain = 0;
        break;
      case 0x3b: // ;
        chain = 0;
        inData = false;
        break;
      case 0x2b: // +
      case 0x2d: // -
      case 0x2a: // *
      case 0x2f: // /
      case 0x25: // %
      case 0x7c: // | (|| counts twice, still far below the limit for real queries)
        if (!inData && ++chain > MAX_OPERATOR_CHAIN) return `the query chains more than ${MAX_OPERATOR_CHAIN} operators in one expression`;
        break;
      default:
        if (!inData && depth === 0 && (byte === 0x46 || byte === 0x66 || byte === 0x56 || byte === 0x76) && isKeywordAt(text, i)) inData = true;
    }
  }
  return undefined;
}

function skipQuoted(text: Buffer, start: number, quote: number): number {
  for (let i = start + 1; i < text.length; i++) {
    const byte = text[i];
    if (byte === BACKSLASH) i++;
    else if (byte === quote) {
      if (text[i + 1] === quote) i++;
      else return i;
    }
  }
  return text.length;
}

/** FORMAT or VALUES as a whole word at `i`. */
function isKeywordAt(text: Buffer, i: number): boolean {
  if (i > 0 && isWordByte(text[i - 1] as number)) return false;
  for (const word of ['format', 'values']) {
    const end = i + word.length;
    if (end > text.length || (end < text.length && isWordByte(text[end] as number))) continue;
    if (text.toString('latin1', i, end).toLowerCase() === word) return true;
  }
  return false;
}

function isWordByte(byte: number): boolean {
  return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || byte === 0x5f || byte >= 0x80;
}
