/**
 * Reading what a scraper reads: the Prometheus text format of /metrics, and the metric names and
 * labels a dashboard's PromQL expressions use. Hand-written: no PromQL parser is among the
 * project's dependencies, and selectors, `by (…)` lists and legends are all the check needs.
 */

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  series: Series[];
  /** Metric names with a `# TYPE` line (present even when a labelled metric has no series yet). */
  types: Map<string, string>;
}

export function parseExposition(text: string): Exposition {
  const series: Series[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`unreadable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, k, v] of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k!] = v!;
    series.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { series, types };
}

/** The series of one metric, sorted by their labels, as `{ labels, value }`. */
export function seriesOf(e: Exposition, name: string, keep: (s: Series) => boolean = () => true) {
  return e.series
    .filter((s) => s.name === name && keep(s))
    .map((s) => ({ labels: s.labels, value: s.value }))
    .sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
}

/** The value of the series of `name` with exactly these labels (undefined when absent). */
export function valueOf(e: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const want = JSON.stringify(Object.entries(labels).sort());
  return e.series.find((s) => s.name === name && JSON.stringify(Object.entries(s.labels).sort()) === want)?.value;
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
  'inf',
  'nan',
]);

export interface Use {
  metric: string;
  /** Labels the expression needs on this metric: matchers in its selector, and grouping labels. */
  labels: string[];
}

/**
 * Metric names and labels one PromQL expression uses: every selector (`name{…}` or a bare name not
 * called as a function), with its matchers' labels; the labels of `by (…)`/`on (…)`/… and of the
 * legend (`{{label}}`) are required of every metric of the expression.
 */
export function promqlUses(expr: string, legend = ''): Use[] {
  // Grafana's variables ($__rate_interval, ${DS_PROMETHEUS}, $unit) are not PromQL: a duration or a value.
  const text = expr.replace(/\$\{[^}]*\}|\$\w+/g, '1m');
  const grouping = new Set<string>();
  for (const [, list] of text.matchAll(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g))
    for (const l of list!
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean))
      grouping.add(l);
  for (const [, l] of legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) grouping.add(l!);
  // Blank out what is not a selector: strings, grouping lists, range and subquery durations.
  const stripped = text
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ');
  const uses: Use[] = [];
  const re = /([a-zA-Z_:][\w:]*)\s*(\{[^}]*\})?\s*(\()?/g;
  let m: RegExpExecArray | null;
  const matchers = stripped.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  while ((m = re.exec(matchers))) {
    const [, name, selector, call] = m;
    const before = matchers.slice(0, m.index);
    // Inside a selector's braces (a label name), or a number's exponent: not a metric.
    if ((before.match(/\{/g)?.length ?? 0) > (before.match(/\}/g)?.length ?? 0)) continue;
    if (/[\d.]$/.test(before)) continue;
    if (call && !selector) continue; // a function
    if (KEYWORDS.has(name!.toLowerCase())) continue;
    const own = [...(selector ?? '').matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)].map((x) => x[1]!);
    uses.push({ metric: name!, labels: [...new Set([...own, ...grouping])] });
  }
  return uses;
}

/** A histogram's series names (`_bucket`, `_sum`, `_count`) name the histogram; `le` is its bucket label. */
export function baseName(metric: string, histograms: Set<string>): string {
  const m = /^(.*)_(bucket|sum|count)$/.exec(metric);
  return m && histograms.has(m[1]!) ? m[1]! : metric;
}
