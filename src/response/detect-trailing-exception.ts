/**
 * ClickHouse sends status 200 before a query has finished; an exception after that point is written at the end of
 * the body instead: as plain text (`Code: 395, e.displayText() = DB::Exception: ...` on 18.16, `Code: 395.
 * DB::Exception: ... (NAME)` on newer servers), or, on newer servers with JSON formats, as an "exception" field.
 * Such a body is a failure: it stops a multi-statement batch and must never be cached.
 */
// Not anchored to a line start: after binary formats (RowBinary, Native) the text follows the data directly.
const plainException = /^Code: \d+[.,] (?:e\.displayText\(\) = )?DB::Exception[^\n]*\n?$/;
const jsonException = /"exception"\s*:\s*"Code: \d+[.,] [^"]*DB::Exception/;

/** How many bytes at the end of a body are enough to recognise an exception message. */
export const exceptionTailBytes = 16 * 1024;

export function endsWithException(tail: string): boolean {
  const lastCode = tail.lastIndexOf('Code: ');
  if (lastCode < 0) return false;
  return plainException.test(tail.slice(lastCode)) || jsonException.test(tail.slice(Math.max(0, lastCode - 64)));
}

/** Keeps the last `exceptionTailBytes` of a stream as it passes. */
export function createTailKeeper(): { push(chunk: Buffer): void; text(): string } {
  let tail: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      tail = chunk.length >= exceptionTailBytes
        ? chunk.subarray(chunk.length - exceptionTailBytes)
        : Buffer.concat([tail.subarray(Math.max(0, tail.length + chunk.length - exceptionTailBytes)), chunk]);
    },
    text: () => tail.toString('utf8'),
  };
}
