/** TabSeparated escapes: \t \n \\ and friends. */
export function unescapeTsv(field: string): string {
  const escapes: Record<string, string> = { t: '\t', n: '\n', r: '\r', '0': '\0', b: '\b', f: '\f', '\\': '\\', "'": "'" };
  return field.replace(/\\(.)/g, (all, char: string) => escapes[char] ?? all);
}

/**
 * The rows of `SELECT database, table, ... FORMAT TabSeparated` by `db.table`, with the rest of each row's fields
 * (still escaped: they are compared, not read). Rows without both names are skipped.
 */
export function parseTableRows(body: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of body.split('\n')) {
    if (line === '') continue;
    const [database, table, ...values] = line.split('\t');
    if (database === undefined || table === undefined) continue;
    rows.set(`${unescapeTsv(database)}.${unescapeTsv(table)}`, values);
  }
  return rows;
}
