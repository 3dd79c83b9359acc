import { Pool } from 'undici';

/** One response as overload tests look at it: status, ClickHouse error code header, body, ms since all were sent. */
export interface Outcome {
  status: number;
  code: string | undefined;
  body: string;
  ms: number;
}

/** POSTs every statement at once, each on its own connection. */
export async function sendConcurrently(url: string, sql: string[]): Promise<Outcome[]> {
  const client = new Pool(url, { connections: sql.length });
  try {
    const startedAt = Date.now();
    return await Promise.all(
      sql.map(async (statement) => {
        const response = await client.request({ method: 'POST', path: '/', body: statement });
        const body = await response.body.text();
        const code = response.headers['x-clickhouse-exception-code'];
        return { status: response.statusCode, code: typeof code === 'string' ? code : undefined, body, ms: Date.now() - startedAt };
      }),
    );
  } finally {
    await client.close();
  }
}
