import { createInterface } from 'node:readline';
import { createSqlClassifier, type SqlClassifier } from '../sql/create-sql-classifier.js';
import { isBodyCacheable } from '../sql/is-body-cacheable.js';
import { splitStatements } from '../sql/split-statements.js';
import type { StatementClassification } from '../sql/types.js';

/**
 * `chgate classify`: what the SQL engine decides, for operators ("why did this go to the
 * writer?") and for measuring the engine against a labelled corpus.
 *
 *   chgate classify            SQL on stdin → readable JSON, one entry per statement
 *   chgate classify --jsonl    {"id": ..., "sql": "..."} per line → one line per input, in order:
 *                              {"id": ..., "statements": [{type, route, tablesRead, tablesWritten,
 *                              tableFunctions, dictionaries, databasesWritten, cacheable}]}
 *                              or {"id": ..., "error": "..."} when the input is not SQL at all
 */

export interface ClassifyCommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

const USAGE = `Usage: chgate classify [--jsonl]
  Reads SQL on stdin and prints how chgate classifies each statement.
  --jsonl   read {"id": ..., "sql": "..."} objects, one a line; write one JSON line per input
`;

export async function runClassifyCommand(args: string[], io: ClassifyCommandIo): Promise<number> {
  let jsonl = false;
  for (const arg of args) {
    if (arg === '--jsonl') {
      jsonl = true;
    } else if (arg === '--help' || arg === '-h') {
      io.stdout.write(USAGE);
      return 0;
    } else {
      io.stderr.write(`chgate classify: unknown option "${arg}"\n${USAGE}`);
      return 2;
    }
  }
  const classifier = createSqlClassifier();
  if (jsonl) return classifyLines(classifier, io);
  const text = await readAll(io.stdin);
  io.stdout.write(`${JSON.stringify(describeBody(classifier, text), null, 2)}\n`);
  return 0;
}

/** The readable report: every statement with where it sits in the input and everything decided. */
function describeBody(classifier: SqlClassifier, text: string): object {
  const statements = splitStatements(text).map((slice) => {
    const classification = classifier.classify(slice.sql);
    return {
      sql: slice.sql,
      start: slice.start,
      end: slice.end,
      ...(slice.data !== undefined ? { data: slice.data } : {}),
      ...(slice.truncated ? { truncated: true } : {}),
      ...classification,
    };
  });
  return {
    statements,
    bodyCacheable: isBodyCacheable(statements),
  };
}

async function classifyLines(classifier: SqlClassifier, io: ClassifyCommandIo): Promise<number> {
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    if (line.trim() === '') continue;
    const reply = classifyLine(classifier, line);
    if (!io.stdout.write(`${JSON.stringify(reply)}\n`)) {
      await new Promise<void>((resolve) => io.stdout.once('drain', () => resolve()));
    }
  }
  return 0;
}

type LineReply =
  | { id: unknown; statements: JsonlStatement[] }
  | { id: unknown; error: string };

/** The jsonl contract's statement fields, in this order and no others. */
interface JsonlStatement {
  type: string;
  route: string;
  tablesRead: readonly string[];
  tablesWritten: readonly string[];
  tableFunctions: readonly string[];
  dictionaries: readonly string[];
  databasesWritten: readonly string[];
  cacheable: boolean;
}

export function classifyLine(classifier: SqlClassifier, line: string): LineReply {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return { id: null, error: 'input line is not JSON' };
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return { id: null, error: 'input line is not a JSON object' };
  }
  const record = input as Record<string, unknown>;
  const id = record['id'] ?? null;
  const sql = record['sql'];
  if (typeof sql !== 'string') return { id, error: '"sql" is missing or not a string' };
  const slices = splitStatements(sql);
  if (slices.length === 0) return { id, error: 'no SQL statement in input' };
  return { id, statements: slices.map((slice) => toJsonlStatement(classifier.classify(slice.sql))) };
}

function toJsonlStatement(c: StatementClassification): JsonlStatement {
  return {
    type: c.type,
    route: c.route,
    tablesRead: c.tablesRead,
    tablesWritten: c.tablesWritten,
    tableFunctions: c.tableFunctions,
    dictionaries: c.dictionaries,
    databasesWritten: c.databasesWritten,
    cacheable: c.cacheable,
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  }
  return Buffer.concat(chunks).toString('utf8');
}
