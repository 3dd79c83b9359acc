/**
 * The status page: one HTML document with its CSS and script inline (no build step, nothing fetched from elsewhere).
 * The snapshot of the moment is embedded as JSON and drawn by the page's script, which then fetches status.json every
 * `refreshSeconds` and draws again; the same drawing code serves both, so what the first paint shows is what a refresh
 * shows. Every value is inserted as text (escaped), so a fingerprint or user name cannot inject markup.
 */
import type { StatusSnapshot } from './status-snapshot.js';

/** The page with `snapshot` embedded. `<` is escaped in the JSON so no value can end the script element. */
export function renderStatusPage(snapshot: StatusSnapshot): string {
  const json = JSON.stringify(snapshot).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return PAGE.replace('__SNAPSHOT__', () => json);
}

// The script uses no template literals, so this file's own template literal needs no escaping.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>chgate status</title>
<style>
  :root { --ok: #1a7f37; --warn: #b35900; --bad: #c62828; --muted: #667; --line: #dde; }
  body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #223; background: #f6f7f9; }
  header { background: #223; color: #fff; padding: 10px 20px; display: flex; gap: 20px; align-items: baseline; }
  header h1 { font-size: 18px; margin: 0; }
  header .meta { color: #bbc; font-size: 12px; }
  header .stale { color: #ffb74d; font-weight: bold; }
  main { padding: 16px 20px; max-width: 1240px; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin-bottom: 16px; }
  h2 { font-size: 15px; margin: 0 0 10px; }
  .cards { display: flex; gap: 12px; flex-wrap: wrap; }
  .card { flex: 1 1 160px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
  .card .label { color: var(--muted); font-size: 12px; }
  .card .value { font-size: 26px; font-weight: 600; }
  .bars { display: flex; align-items: flex-end; gap: 1px; height: 40px; margin-top: 10px; }
  .bars div { flex: 1; background: #5c7cfa; min-height: 1px; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
  th { color: var(--muted); font-weight: 600; font-size: 12px; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  code { font: 12px/1.3 ui-monospace, Menlo, Consolas, monospace; word-break: break-all; }
  .nowrap, .nowrap code { white-space: nowrap; word-break: normal; }
  .state { display: inline-block; padding: 1px 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
  .state-healthy { background: var(--ok); }
  .state-recovering, .state-lagging { background: var(--warn); }
  .state-ejected { background: var(--bad); }
  .state-unchecked { background: var(--muted); }
  .empty { color: var(--muted); }
</style>
</head>
<body>
<header><h1>chgate status</h1><span class="meta" id="meta"></span><span class="stale" id="stale"></span></header>
<main>
  <section id="traffic"><h2>Last minute</h2><div class="cards" id="cards"></div><div class="bars" id="bars" title="requests per second"></div></section>
  <section id="nodes"><h2>Nodes</h2><div id="clusters"></div></section>
  <section id="digest"><h2>Top fingerprints (by total time)</h2><div id="fingerprints"></div></section>
  <section id="errors"><h2>Recent errors</h2><div id="recent-errors"></div></section>
</main>
<script id="initial-status" type="application/json">__SNAPSHOT__</script>
<script>
(function () {
  'use strict';
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) for (var key in attrs) if (attrs[key] !== undefined && attrs[key] !== null) node.setAttribute(key, String(attrs[key]));
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)));
    });
    return node;
  }
  function replace(id, child) {
    var target = document.getElementById(id);
    while (target.firstChild) target.removeChild(target.firstChild);
    if (Array.isArray(child)) child.forEach(function (each) { target.appendChild(each); }); else target.appendChild(child);
  }
  function percent(ratio) { return ratio === null ? '–' : (ratio * 100).toFixed(1) + '%'; }
  function fixed(value, digits) { return value === null || value === undefined ? '–' : Number(value).toFixed(digits); }
  function table(headers, rows, empty) {
    if (rows.length === 0) return el('p', { 'class': 'empty' }, [empty]);
    return el('table', null, [
      el('thead', null, [el('tr', null, headers.map(function (h) { return el('th', { 'class': h.num ? 'num' : null }, [h.label]); }))]),
      el('tbody', null, rows),
    ]);
  }
  function card(id, label, value, raw) {
    return el('div', { 'class': 'card' }, [el('div', { 'class': 'label' }, [label]), el('div', { 'class': 'value', id: id, 'data-value': raw }, [value])]);
  }
  function draw(s) {
    var t = s.traffic;
    replace('meta', document.createTextNode('updated ' + s.generatedAt + ' · up ' + s.uptimeSeconds + ' s · refreshes every ' + s.refreshSeconds + ' s'));
    replace('cards', [
      card('request-rate', 'Requests / s (' + t.windowSeconds + ' s)', fixed(t.requestsPerSecond, 2), t.requestsPerSecond),
      card('hit-ratio', 'Cache hit ratio (hits / (hits + misses))', percent(t.hitRatio), t.hitRatio === null ? '' : t.hitRatio),
      card('cache-lookups', 'Hits / misses / bypasses', t.cacheHits + ' / ' + t.cacheMisses + ' / ' + t.cacheBypasses, t.cacheHits + t.cacheMisses + t.cacheBypasses),
      card('error-count', 'Errors', String(t.errors), t.errors),
      card('avg-duration', 'Average time (ms)', fixed(t.avgDurationMs, 1), t.avgDurationMs === null ? '' : t.avgDurationMs),
    ]);
    var peak = Math.max.apply(null, t.perSecond.concat([1]));
    replace('bars', t.perSecond.map(function (n) { return el('div', { style: 'height:' + Math.round((n / peak) * 100) + '%', title: n + ' req' }); }));
    replace('clusters', s.clusters.map(function (cluster) {
      return el('div', { 'data-cluster': cluster.name }, [
        el('h3', null, ['Cluster ' + cluster.name]),
        table(
          [{ label: 'Node' }, { label: 'Role' }, { label: 'Address' }, { label: 'State' }, { label: 'Reason' }, { label: 'Lag (s)', num: true }, { label: 'In flight', num: true }, { label: 'Queued', num: true }, { label: 'Connections', num: true }, { label: 'Weight', num: true }],
          cluster.nodes.map(function (n) {
            return el('tr', { 'class': 'node', 'data-node': n.name, 'data-state': n.state }, [
              el('td', null, [n.name]), el('td', null, [n.role]), el('td', { 'class': 'nowrap' }, [el('code', null, [n.address])]),
              el('td', { 'class': 'nowrap' }, [el('span', { 'class': 'state state-' + n.state }, [n.state])]), el('td', null, [n.reason]),
              el('td', { 'class': 'num' }, [n.lagSeconds === null ? '–' : n.lagSeconds]), el('td', { 'class': 'num' }, [n.inFlight]),
              el('td', { 'class': 'num' }, [n.queued]), el('td', { 'class': 'num' }, [n.connectionsOpen]), el('td', { 'class': 'num' }, [n.weight]),
            ]);
          }),
          'no nodes'),
      ]);
    }));
    replace('fingerprints', table(
      [{ label: 'Fingerprint' }, { label: 'Type' }, { label: 'Count', num: true }, { label: 'Errors', num: true }, { label: 'Total ms', num: true }, { label: 'Avg ms', num: true }, { label: 'Max ms', num: true }, { label: 'Hit ratio', num: true }, { label: 'Last seen' }],
      s.topFingerprints.map(function (f) {
        return el('tr', { 'class': 'fingerprint' }, [
          el('td', null, [el('code', null, [f.fingerprint])]), el('td', null, [f.statement_type]), el('td', { 'class': 'num' }, [f.count]),
          el('td', { 'class': 'num' }, [f.errors]), el('td', { 'class': 'num' }, [fixed(f.total_time_ms, 1)]), el('td', { 'class': 'num' }, [fixed(f.avg_time_ms, 2)]),
          el('td', { 'class': 'num' }, [fixed(f.max_time_ms, 1)]), el('td', { 'class': 'num' }, [percent(f.cache_hit_ratio)]), el('td', null, [f.last_seen]),
        ]);
      }),
      'no statements yet'));
    replace('recent-errors', table(
      [{ label: 'Time' }, { label: 'User' }, { label: 'Client' }, { label: 'Status', num: true }, { label: 'Error' }, { label: 'Fingerprint' }, { label: 'Nodes' }, { label: 'Query id' }],
      s.recentErrors.map(function (e) {
        return el('tr', { 'class': 'recent-error' }, [
          el('td', null, [e.at]), el('td', null, [e.user]), el('td', null, [e.clientAddress]), el('td', { 'class': 'num' }, [e.status]),
          el('td', null, [e.error ? e.error.name + ' (' + e.error.code + ')' : e.clickhouseCode ? 'ClickHouse code ' + e.clickhouseCode : 'from ClickHouse']), el('td', null, [el('code', null, [e.fingerprint])]),
          el('td', null, [e.nodes.join(', ')]), el('td', null, [el('code', null, [e.requestId])]),
        ]);
      }),
      'no errors'));
  }
  var current = JSON.parse(document.getElementById('initial-status').textContent);
  draw(current);
  function refresh() {
    fetch('status.json', { cache: 'no-store', credentials: 'same-origin' })
      .then(function (response) { if (!response.ok) throw new Error('HTTP ' + response.status); return response.json(); })
      .then(function (next) { current = next; replace('stale', document.createTextNode('')); draw(next); })
      .catch(function (error) { replace('stale', document.createTextNode('not refreshed: ' + error.message)); })
      .then(function () { setTimeout(refresh, current.refreshSeconds * 1000); });
  }
  setTimeout(refresh, current.refreshSeconds * 1000);
})();
</script>
</body>
</html>
`;
