/**
 * What the Grafana dashboard (deploy/grafana/fengqiao.json) and the alert rules suggested in
 * docs/metrics.md query, checked against what exists: the API's /metrics as scraped, and the
 * worker SDK's metrics as documented in docs/metrics.md (between the sdk-metrics markers).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { baseName, promqlUses, type Exposition } from './prom-text';

const ROOT = path.join(__dirname, '../..');
export const DASHBOARD_PATH = path.join(ROOT, 'deploy/grafana/fengqiao.json');
const DOC_PATH = path.join(ROOT, 'docs/metrics.md');

export interface Query {
  where: string;
  expr: string;
  legend?: string;
}

/** Documented names and labels of the worker's Temporal SDK metrics. */
export function documentedSdkMetrics(): Map<string, Set<string>> {
  const doc = readFileSync(DOC_PATH, 'utf8');
  const section = /<!-- sdk-metrics:start -->([\s\S]*?)<!-- sdk-metrics:end -->/.exec(doc)?.[1];
  if (!section) throw new Error('docs/metrics.md has no sdk-metrics section');
  const out = new Map<string, Set<string>>();
  for (const [, name, labels] of section.matchAll(/^\| `(temporal_\w+)` \|[^|]*\|([^|]*)\|/gm))
    out.set(name!, new Set([...labels!.matchAll(/`(\w+)`/g)].map((m) => m[1]!)));
  return out;
}

export function readDashboard(): any {
  return JSON.parse(readFileSync(DASHBOARD_PATH, 'utf8'));
}

/** Every panel (rows and their panels), depth first. */
export function panelsOf(dashboard: any): any[] {
  const out: any[] = [];
  const walk = (panels: any[]) => {
    for (const p of panels) {
      out.push(p);
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** The dashboard's panel queries and `label_values(…)` variables. */
export function dashboardQueries(dashboard: any): Query[] {
  const out: Query[] = [];
  for (const p of panelsOf(dashboard))
    for (const t of p.targets ?? []) out.push({ where: p.title, expr: t.expr, legend: t.legendFormat });
  for (const v of dashboard.templating.list) {
    const q = typeof v.query === 'string' ? v.query : v.query?.query;
    const lv = /^label_values\((\w+),\s*(\w+)\)$/.exec(q ?? '');
    if (lv) out.push({ where: `$${v.name}`, expr: `${lv[1]}{${lv[2]}!=""}` });
  }
  return out;
}

/** The `expr` of each rule in the YAML block of docs/metrics.md. */
export function documentedRuleQueries(): Query[] {
  const doc = readFileSync(DOC_PATH, 'utf8');
  const rules = /```yaml\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return [...rules.matchAll(/- alert: (\w+)\n\s+expr: (.+)/g)].map(([, alert, expr]) => ({
    where: `rule ${alert}`,
    expr: expr!,
  }));
}

/**
 * The problems of `queries` against a scrape of the API (each metric and the labels its series carry)
 * and the documented SDK metrics; and the metric names used.
 */
export function checkQueries(queries: Query[], scrape: Exposition): { problems: string[]; used: Set<string> } {
  const histograms = new Set([...scrape.types].filter(([, t]) => t === 'histogram').map(([n]) => n));
  const apiLabels = new Map<string, Set<string>>();
  for (const name of scrape.types.keys()) apiLabels.set(name, new Set());
  for (const s of scrape.series) {
    const name = baseName(s.name, histograms);
    const set = apiLabels.get(name) ?? new Set<string>();
    for (const l of Object.keys(s.labels)) set.add(l);
    apiLabels.set(name, set);
  }
  // Prometheus' own series for each scrape target.
  apiLabels.set('up', new Set(['job', 'instance']));
  const sdk = documentedSdkMetrics();
  const sdkHistograms = new Set([...sdk.keys()].filter((n) => n.endsWith('_latency')));

  const problems: string[] = [];
  const used = new Set<string>();
  for (const { where, expr, legend } of queries) {
    const uses = promqlUses(expr, legend);
    if (uses.length === 0) problems.push(`${where}: no metric in ${expr}`);
    for (const u of uses) {
      const fromSdk = u.metric.startsWith('temporal_');
      const name = baseName(u.metric, fromSdk ? sdkHistograms : histograms);
      const labels = fromSdk ? sdk.get(name) : apiLabels.get(name);
      used.add(name);
      if (!labels) {
        problems.push(`${where}: ${u.metric} is neither on /metrics nor among the documented SDK metrics`);
        continue;
      }
      // `le` of a histogram's buckets; `instance` and `job`, which Prometheus adds to every series it scrapes.
      const implied = ['instance', 'job', ...(u.metric !== name && u.metric.endsWith('_bucket') ? ['le'] : [])];
      for (const l of u.labels)
        if (!labels.has(l) && !implied.includes(l)) problems.push(`${where}: ${name} has no label ${l}`);
    }
  }
  return { problems, used };
}
