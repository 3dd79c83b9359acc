import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { createMetrics } from '../../../src/metrics/create-metrics.js';

/**
 * The dashboard and its documentation against the metrics chgate really exports: a panel query naming a metric or a
 * label that does not exist shows "No data" forever, and an undocumented metric is one nobody looks at.
 */
const dashboardUrl = new URL('../../../grafana/chgate-dashboard.json', import.meta.url);
const readmeUrl = new URL('../../../grafana/README.md', import.meta.url);

interface Panel {
  type: string;
  title: string;
  description?: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
}

function dashboardExpressions(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(dashboardUrl, 'utf8')) as { panels: Panel[] };
  return dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })));
}

/** Metric name → its label names, as the registry exports them (histograms as _bucket/_sum/_count). */
async function exportedSeries(collectProcessMetrics: boolean): Promise<Map<string, string[]>> {
  const { registry } = createMetrics({ collectProcessMetrics });
  const series = new Map<string, string[]>();
  for (const metric of await registry.getMetricsAsJSON()) {
    const labels = [...((registry.getSingleMetric(metric.name) as unknown as { labelNames?: string[] }).labelNames ?? [])];
    if (String(metric.type) === 'histogram') {
      series.set(`${metric.name}_bucket`, [...labels, 'le']);
      series.set(`${metric.name}_sum`, labels);
      series.set(`${metric.name}_count`, labels);
    } else {
      series.set(metric.name, labels);
      // Default metrics may have labels only their values show (nodejs_gc_duration_seconds: kind).
      for (const value of metric.values) for (const name of Object.keys(value.labels)) if (!labels.includes(name)) labels.push(name);
    }
  }
  return series;
}

const metricNamesIn = (expr: string): string[] => [...expr.matchAll(/\bchgate_[a-z0-9_]+/g)].map((match) => match[0]);

describe('grafana dashboard', () => {
  const dashboard = JSON.parse(readFileSync(dashboardUrl, 'utf8')) as {
    panels: Panel[];
    templating: { list: { name: string; type: string; query: unknown }[] };
  };
  const expressions = dashboardExpressions();

  it('has a Prometheus datasource variable and an instance variable, and every panel uses the datasource variable', () => {
    const variables = new Map(dashboard.templating.list.map((variable) => [variable.name, variable]));
    expect(variables.get('datasource')).to.include({ type: 'datasource', query: 'prometheus' });
    expect(JSON.stringify(variables.get('instance')?.query)).to.include('label_values(chgate_requests_total, instance)');
    for (const panel of dashboard.panels.filter((each) => each.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).to.equal('${datasource}');
      expect(panel.targets, panel.title).to.have.length.greaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr, panel.title).to.include('instance=~"$instance"');
      }
    }
  });

  it('has the rows the issue asks for', () => {
    const rows = dashboard.panels.filter((panel) => panel.type === 'row').map((panel) => panel.title);
    expect(rows).to.deep.equal(['Traffic', 'Latency', 'Routing', 'Cache', 'Upstream nodes', 'Limits and errors']);
  });

  it('uses only metrics, and labels of them, that a fresh registry exports', async () => {
    const series = await exportedSeries(true);
    expect(expressions.length).to.be.greaterThan(30);
    for (const { panel, expr } of expressions) {
      const names = metricNamesIn(expr);
      expect(names, `${panel}: ${expr}`).to.not.be.empty;
      for (const name of names) expect(series.has(name), `${panel}: ${name} is not exported`).to.equal(true);
      // Labels grouped by or matched on must belong to a metric of the expression (instance and job come from Prometheus).
      const known = new Set(['instance', 'job', ...names.flatMap((name) => series.get(name) ?? [])]);
      const used = [
        ...[...expr.matchAll(/\bby \(([^)]*)\)/g)].flatMap((match) => (match[1] as string).split(',').map((label) => label.trim())),
        ...[...expr.matchAll(/[{,]([a-z_]+)(?:=~|!=|!~|=)"/g)].map((match) => match[1] as string),
      ];
      for (const label of used) expect(known.has(label), `${panel}: label ${label} in ${expr}`).to.equal(true);
    }
  });

  it('documents every exported chgate metric and every panel in grafana/README.md', async () => {
    const readme = readFileSync(readmeUrl, 'utf8');
    const { registry } = createMetrics({ collectProcessMetrics: false });
    const names = (await registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names.length).to.be.greaterThan(30);
    for (const name of names) expect(readme, `${name} is not documented`).to.include(`\`${name}\``);
    // prom-client's defaults are documented as families.
    for (const metric of await createMetrics().registry.getMetricsAsJSON()) {
      if (names.includes(metric.name)) continue;
      expect(metric.name, 'a default metric outside the documented families').to.match(/^chgate_(process|nodejs)_/);
    }
    for (const panel of dashboard.panels) expect(readme, `panel ${panel.title} is not described`).to.include(`**${panel.title}**`.replace(/^\*\*(Traffic|Latency|Routing|Cache|Upstream nodes|Limits and errors)\*\*$/, '### $1'));
  });
});
