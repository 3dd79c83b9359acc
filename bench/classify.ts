/**
 * SQL engine benchmark: `npx tsx bench/classify.ts`. Prints a table; it is a script, not a test.
 *
 *   repeated query     classifications/s of one statement asked again and again (the LRU cache)
 *   distinct queries   median µs per uncached classification of 200–500 character statements
 *   1 MB INSERT        ms for splitStatements + classify on an INSERT head followed by 1 MB of data
 *                      (FORMAT and VALUES forms): the data must be skipped, not parsed
 *
 * Targets from issue 3: > 200,000/s, < 150 µs median, < 5 ms.
 */
import { createSqlClassifier } from '../src/sql/create-sql-classifier.js';
import { splitStatements } from '../src/sql/split-statements.js';

interface Row {
  measure: string;
  result: string;
  target: string;
  ok: boolean;
}

const rows: Row[] = [];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

// --- repeated query ---------------------------------------------------------------------------
{
  const classifier = createSqlClassifier();
  const sql = "SELECT toStartOfHour(ts) AS h, count() FROM analytics.events WHERE site_id = 42 AND ts >= '2024-01-01' GROUP BY h ORDER BY h";
  classifier.classify(sql);
  const n = 1_000_000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) classifier.classify(sql);
  const perSecond = n / ((performance.now() - t0) / 1000);
  rows.push({ measure: 'repeated query (cached)', result: `${Math.round(perSecond).toLocaleString('en')} /s`, target: '> 200,000 /s', ok: perSecond > 200_000 });
}

// --- distinct typical queries -----------------------------------------------------------------
{
  const templates = [
    (i: number) => `SELECT toStartOfInterval(ts, INTERVAL 5 MINUTE) AS t, countIf(status >= 500) AS errors, count() AS total, quantile(0.95)(duration_ms) AS p95 FROM web.requests WHERE site_id = ${i} AND ts >= now() - INTERVAL 1 DAY GROUP BY t ORDER BY t WITH FILL STEP 300 FORMAT JSON`,
    (i: number) => `WITH active AS (SELECT user_id FROM analytics.sessions WHERE day = today() - ${i} GROUP BY user_id HAVING count() > 3) SELECT u.country, uniqExact(e.user_id) FROM analytics.events AS e INNER JOIN analytics.users AS u ON u.id = e.user_id WHERE e.user_id IN active GROUP BY u.country ORDER BY 2 DESC LIMIT 20`,
    (i: number) => `SELECT product_id, sum(quantity * price) AS revenue, dictGet('shop.products', 'name', product_id) AS name FROM shop.orders FINAL PREWHERE order_date BETWEEN '2024-01-01' AND '2024-03-31' WHERE store_id IN (${i}, ${i + 1}, ${i + 2}) GROUP BY product_id ORDER BY revenue DESC LIMIT 10 SETTINGS max_threads = 8`,
    (i: number) => `INSERT INTO analytics.daily_rollup (day, site_id, visits, users) SELECT toDate(ts) AS day, site_id, count(), uniq(user_id) FROM analytics.events WHERE toDate(ts) = yesterday() AND site_id = ${i} GROUP BY day, site_id`,
    (i: number) => `ALTER TABLE analytics.events ON CLUSTER main DELETE WHERE user_id IN (SELECT user_id FROM gdpr.erasure_requests WHERE requested_at < now() - INTERVAL ${i} DAY AND status = 'approved') SETTINGS mutations_sync = 0`,
    (i: number) => `SELECT s.region, s.plan, count() AS accounts, sumIf(i.amount, i.status = 'paid') AS paid, sumIf(i.amount, i.status = 'open') AS open, round(paid / nullIf(paid + open, 0), 3) AS ratio FROM billing.subscriptions AS s LEFT JOIN (SELECT account_id, amount, status FROM billing.invoices WHERE issued_at >= toStartOfMonth(today()) - INTERVAL ${i % 12} MONTH) AS i ON i.account_id = s.account_id WHERE s.active AND s.region IN ('eu', 'us', 'apac') GROUP BY s.region, s.plan WITH TOTALS ORDER BY paid DESC LIMIT 50`,
    (i: number) => `SELECT page, uniqExact(visitor_id) AS visitors, quantiles(0.5, 0.9, 0.99)(load_ms) AS load, anyLast(title) AS title FROM web.pageviews SAMPLE 1/10 PREWHERE site_id = ${i} WHERE ts BETWEEN '2024-02-01 00:00:00' AND '2024-02-29 23:59:59' AND NOT match(page, '^/admin') AND country GLOBAL IN (SELECT code FROM geo.countries WHERE continent = 'EU') GROUP BY page ORDER BY visitors DESC LIMIT 5 BY page LIMIT 100 SETTINGS max_execution_time = 30, max_threads = 4`,
    (i: number) => `SELECT a.campaign, countIf(c.clicked) / count() AS ctr, avg(c.cost) FROM ads.impressions AS a ANY LEFT JOIN ads.clicks AS c USING (impression_id) ARRAY JOIN a.tags AS tag WHERE tag = 'promo-${i}' AND a.day >= today() - 7 GROUP BY a.campaign HAVING count() > 100 ORDER BY ctr DESC`,
  ];
  const queries: string[] = [];
  for (let i = 0; i < 3000; i++) queries.push(templates[i % templates.length]!(i));
  const lengths = queries.map((q) => q.length);
  const classifier = createSqlClassifier({ cacheEntries: 0 });
  for (const q of queries.slice(0, 300)) classifier.classify(q); // warm-up (JIT)
  const times: number[] = [];
  for (const q of queries) {
    const t0 = performance.now();
    classifier.classify(q);
    times.push((performance.now() - t0) * 1000);
  }
  const med = median(times);
  rows.push({
    measure: `distinct queries, ${Math.min(...lengths)}–${Math.max(...lengths)} chars (uncached)`,
    result: `median ${med.toFixed(1)} µs, p99 ${[...times].sort((a, b) => a - b)[Math.floor(times.length * 0.99)]?.toFixed(1)} µs`,
    target: '< 150 µs median',
    ok: med < 150,
  });
}

// --- 1 MB INSERT head + data ----------------------------------------------------------------
function insertCase(name: string, head: string, row: (i: number) => string): void {
  const parts: string[] = [head];
  let size = head.length;
  for (let i = 0; size < 1_048_576; i++) {
    const r = row(i);
    parts.push(r);
    size += r.length;
  }
  const body = parts.join('');
  const classifier = createSqlClassifier({ cacheEntries: 0 });
  const times: number[] = [];
  for (let run = 0; run < 30; run++) {
    const t0 = performance.now();
    const slices = splitStatements(body);
    for (const slice of slices) classifier.classify(slice.sql);
    times.push(performance.now() - t0);
  }
  const med = median(times);
  rows.push({ measure: `1 MB INSERT ${name}: split + classify`, result: `median ${med.toFixed(2)} ms`, target: '< 5 ms', ok: med < 5 });
}

insertCase('... FORMAT TSV', 'INSERT INTO analytics.events (ts, site_id, user_id, url) FORMAT TabSeparated\n',
  (i) => `2024-01-01 00:00:${String(i % 60).padStart(2, '0')}\t${i % 97}\t${i}\thttps://example.com/p?q=${i}&x='\n`);
insertCase('... VALUES', 'INSERT INTO analytics.events (ts, site_id, user_id, url) VALUES ',
  (i) => `${i === 0 ? '' : ','}('2024-01-01 00:00:00', ${i % 97}, ${i}, 'https://example.com/p?q=${i};x=\\'y\\'')`);

const header = ['measure', 'result', 'target', 'ok'];
const table = rows.map((r) => [r.measure, r.result, r.target, r.ok ? 'yes' : 'NO']);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => (r[i] ?? '').length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
console.log(line(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of table) console.log(line(r));
