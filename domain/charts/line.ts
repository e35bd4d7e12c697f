import { axisTitle, tableOf } from './bar';
import {
  type Chart,
  type ChartLang,
  type Series,
  DASHES,
  PALETTE,
  WORDS,
  clip,
  emptyChart,
  escapeXml,
  formatNumber,
  frame,
  idOf,
  legend,
  niceTicks,
  textWidth,
} from './common';

/** A shaded band of the value axis (e.g. 优 ≥ 90), labelled so that colour is never the only signal. */
export interface ChartBand {
  from: number;
  to: number;
  label: string;
  /** A fill colour; light tints are used when absent. */
  colour?: string;
}

export interface LineChartInput {
  title: string;
  unit: string;
  /** The periods along the horizontal axis, in order. */
  labels: string[];
  series: Series[];
  min?: number;
  max?: number;
  bands?: ChartBand[];
  width?: number;
  height?: number;
  lang?: ChartLang;
  /** The name of the horizontal axis and of the table's first column (default 期间). */
  labelAxis?: string;
  valueLabel?: string;
  id?: string;
}

const TINTS = ['#ecfdf5', '#fefce8', '#fff7ed', '#fef2f2', '#f1f5f9'];

/** A line chart (one line per series, a gap where a value is null) as an SVG string with its data table. */
export function lineChart(input: LineChartInput): Chart {
  const lang = input.lang ?? 'zh';
  const w = WORDS[lang];
  const width = input.width ?? 640;
  const height = input.height ?? 320;
  const id = input.id ?? idOf('line', input.title, ...input.labels, ...input.series.map((s) => s.name));
  const firstHead = input.labelAxis ?? w.period;
  const table = tableOf(input.title, firstHead, input.unit, input.labels, input.series);
  const values = input.series.flatMap((s) =>
    s.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)),
  );
  if (input.labels.length === 0 || values.length === 0)
    return { svg: emptyChart(id, width, height, input.title, lang), table };

  const ticks = niceTicks(input.min ?? Math.min(...values), input.max ?? Math.max(...values));
  const lo = input.min ?? ticks[0]!;
  const hi = input.max ?? ticks[ticks.length - 1]!;
  const shown = ticks.filter((t) => t >= lo - 1e-9 && t <= hi + 1e-9);
  const tickLabels = shown.map(formatNumber);
  const left = Math.ceil(14 + Math.max(...tickLabels.map((t) => textWidth(t, 12))));
  const bandLabelW = input.bands?.length ? 8 + Math.max(...input.bands.map((b) => textWidth(clip(b.label, 8), 11))) : 0;
  const right = Math.ceil(16 + bandLabelW);
  const leg = legend(
    input.series.map((s, i) => ({
      name: s.name,
      colour: PALETTE[i % PALETTE.length]!,
      dash: DASHES[i % DASHES.length],
      kind: 'line' as const,
    })),
    left,
    8,
    width - left - right,
    lang,
  );
  const legH = input.series.length > 1 ? leg.height : 0;
  const top = 8 + legH + 20;
  const plotW = width - left - right;
  const n = input.labels.length;
  const step = n > 1 ? plotW / (n - 1) : 0;
  const labels = input.labels.map((l) => clip(l, 10));
  const every = Math.max(1, Math.ceil(Math.max(...labels.map((l) => textWidth(l, 12) + 8)) / Math.max(step, 1)));
  const bottom = 22 + (input.labelAxis ? 20 : 0);
  const plotH = height - top - bottom;
  const x = (i: number) => (n > 1 ? left + i * step : left + plotW / 2);
  const y = (v: number) => top + plotH - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * plotH;

  const parts: string[] = [legH ? leg.svg : ''];
  (input.bands ?? []).forEach((b, i) => {
    const y0 = y(Math.max(lo, Math.min(b.from, b.to)));
    const y1 = y(Math.min(hi, Math.max(b.from, b.to)));
    if (y0 - y1 <= 0) return;
    parts.push(
      `<rect x="${left}" y="${y1.toFixed(1)}" width="${plotW}" height="${(y0 - y1).toFixed(1)}" fill="${escapeXml(b.colour ?? TINTS[i % TINTS.length])}"/>`,
      `<text x="${width - right + 6}" y="${((y0 + y1) / 2).toFixed(1)}" dominant-baseline="middle" font-size="11" fill="#333333">${escapeXml(clip(b.label, 8))}</text>`,
    );
  });
  const heading = axisTitle(input.unit, input.valueLabel, lang);
  if (heading) parts.push(`<text x="4" y="${top - 10}" fill="#333333">${escapeXml(heading)}</text>`);
  shown.forEach((t, i) => {
    const ty = y(t).toFixed(1);
    parts.push(
      `<line x1="${left}" y1="${ty}" x2="${left + plotW}" y2="${ty}" stroke="#d1d5db" stroke-width="0.8"/>`,
      `<text x="${left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle" fill="#333333">${escapeXml(tickLabels[i])}</text>`,
    );
  });
  parts.push(
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#666666"/>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#666666"/>`,
  );
  labels.forEach((l, i) => {
    if (i % every !== 0 && i !== n - 1) return;
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${top + plotH + 16}" text-anchor="middle" fill="#333333">${escapeXml(l)}</text>`,
    );
  });
  if (input.labelAxis)
    parts.push(
      `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" fill="#333333">${escapeXml(input.labelAxis)}</text>`,
    );

  input.series.forEach((s, si) => {
    const colour = PALETTE[si % PALETTE.length]!;
    const dash = DASHES[si % DASHES.length];
    // Runs of consecutive values: a null breaks the line (no data is a gap, not a fall to zero).
    let run: string[] = [];
    const lines: string[] = [];
    const flush = () => {
      if (run.length > 1)
        lines.push(
          `<polyline points="${run.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
        );
      run = [];
    };
    const marks: string[] = [];
    input.labels.forEach((label, i) => {
      const v = s.values[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) return flush();
      const px = x(i).toFixed(1);
      const py = y(v).toFixed(1);
      run.push(`${px},${py}`);
      marks.push(
        `<circle cx="${px}" cy="${py}" r="3.5" fill="${colour}"><title>${escapeXml(`${s.name} · ${label}：${formatNumber(v)}${input.unit}`)}</title></circle>`,
      );
    });
    flush();
    parts.push(`<g class="series">${lines.join('')}${marks.join('')}</g>`);
  });

  const gaps = input.series.some((s) => input.labels.some((_, i) => typeof s.values[i] !== 'number'));
  const desc = [
    w.chartOf(input.title),
    w.series(input.series.length),
    w.range(formatNumber(Math.min(...values)), formatNumber(Math.max(...values)), input.unit),
    ...(gaps ? [w.gaps] : []),
  ].join(w.sep);
  return { svg: frame({ id, width, height, title: input.title, desc }, parts.join('')), table };
}
