import {
  type Chart,
  type ChartLang,
  type Series,
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

export interface BarChartInput {
  title: string;
  /** The unit of the values (件, %, 分, 天…): on the value axis and in the table's heads. */
  unit: string;
  categories: string[];
  series: Series[];
  width?: number;
  height?: number;
  lang?: ChartLang;
  /** The name of the category axis and of the table's first column (default 类别). */
  categoryLabel?: string;
  /** The name of the value axis (printed with the unit). */
  valueLabel?: string;
  /** An id for the chart's <title>/<desc> when two charts on a page share a title. */
  id?: string;
}

/** The value-axis heading: "件数（件）" or "单位：件". */
export const axisTitle = (unit: string, label: string | undefined, lang: ChartLang): string =>
  label ? (unit ? `${label}（${unit}）` : label) : unit ? `${WORDS[lang].unit}：${unit}` : '';

/** The chart's data as a table: one row per category, one column per series (the unit in each head). */
export function tableOf(
  caption: string,
  firstHead: string,
  unit: string,
  categories: string[],
  series: Series[],
): Chart['table'] {
  return {
    caption,
    head: [firstHead, ...series.map((s) => (unit ? `${s.name}（${unit}）` : s.name))],
    rows: categories.map((c, i) => [c, ...series.map((s) => formatNumber(s.values[i]))]),
  };
}

const finite = (series: Series[]): number[] =>
  series.flatMap((s) => s.values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)));

/** A grouped bar chart as an SVG string with its data table. */
export function barChart(input: BarChartInput): Chart {
  const lang = input.lang ?? 'zh';
  const w = WORDS[lang];
  const width = input.width ?? 640;
  const height = input.height ?? 320;
  const id = input.id ?? idOf('bar', input.title, ...input.categories, ...input.series.map((s) => s.name));
  const firstHead = input.categoryLabel ?? w.category;
  const table = tableOf(input.title, firstHead, input.unit, input.categories, input.series);
  const values = finite(input.series);
  if (input.categories.length === 0 || input.series.length === 0 || values.length === 0)
    return { svg: emptyChart(id, width, height, input.title, lang), table };

  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  const tickLabels = ticks.map(formatNumber);
  const left = Math.ceil(14 + Math.max(...tickLabels.map((t) => textWidth(t, 12))));
  const right = 12;
  const multi = input.series.length > 1;
  const leg = multi
    ? legend(
        input.series.map((s, i) => ({ name: s.name, colour: PALETTE[i % PALETTE.length]!, kind: 'box' as const })),
        left,
        8,
        width - left - right,
        lang,
      )
    : { svg: '', height: 0 };
  const top = 8 + leg.height + 20; // legend, then the value-axis heading
  const plotW = width - left - right;
  const groupW = plotW / input.categories.length;
  const labels = input.categories.map((c) => clip(c, 10));
  const rotate = labels.some((l) => textWidth(l, 12) > groupW - 4);
  const labelH = rotate ? Math.min(90, 10 + Math.max(...labels.map((l) => textWidth(l, 12))) * 0.7) : 18;
  const bottom = labelH + (input.categoryLabel ? 22 : 8);
  const plotH = height - top - bottom;
  const y = (v: number) => top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;

  const parts: string[] = [leg.svg];
  const heading = axisTitle(input.unit, input.valueLabel, lang);
  if (heading) parts.push(`<text x="4" y="${top - 10}" fill="#333333">${escapeXml(heading)}</text>`);
  ticks.forEach((t, i) => {
    const ty = y(t).toFixed(1);
    parts.push(
      `<line x1="${left}" y1="${ty}" x2="${width - right}" y2="${ty}" stroke="${t === 0 ? '#666666' : '#e5e7eb'}"/>`,
      `<text x="${left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle" fill="#333333">${escapeXml(tickLabels[i])}</text>`,
    );
  });
  parts.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#666666"/>`);

  const n = input.series.length;
  const barW = Math.max(2, Math.min(40, ((groupW * 0.8) / n) | 0));
  const showValues = input.categories.length * n <= 24 && barW >= 14;
  input.categories.forEach((cat, ci) => {
    const gx = left + ci * groupW + (groupW - barW * n) / 2;
    input.series.forEach((s, si) => {
      const v = s.values[ci];
      if (typeof v !== 'number' || !Number.isFinite(v)) return; // a gap, not a zero
      const x = gx + si * barW;
      const y0 = y(Math.max(0, lo));
      const y1 = y(v);
      const text = `${s.name} · ${cat}：${formatNumber(v)}${input.unit}`;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${Math.min(y0, y1).toFixed(1)}" width="${barW - 1}" height="${Math.abs(y0 - y1).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${escapeXml(text)}</title></rect>`,
      );
      if (showValues)
        parts.push(
          `<text x="${(x + barW / 2).toFixed(1)}" y="${(Math.min(y0, y1) - 4).toFixed(1)}" text-anchor="middle" font-size="11" fill="#111111">${escapeXml(formatNumber(v))}</text>`,
        );
    });
    const lx = left + ci * groupW + groupW / 2;
    const ly = top + plotH + 14;
    parts.push(
      rotate
        ? `<text x="${lx.toFixed(1)}" y="${ly}" text-anchor="end" transform="rotate(-40 ${lx.toFixed(1)} ${ly})" fill="#333333">${escapeXml(labels[ci])}</text>`
        : `<text x="${lx.toFixed(1)}" y="${ly}" text-anchor="middle" fill="#333333">${escapeXml(labels[ci])}</text>`,
    );
  });
  if (input.categoryLabel)
    parts.push(
      `<text x="${left + plotW / 2}" y="${height - 6}" text-anchor="middle" fill="#333333">${escapeXml(input.categoryLabel)}</text>`,
    );
  const desc = [
    w.chartOf(input.title),
    w.series(n),
    w.range(formatNumber(Math.min(...values)), formatNumber(Math.max(...values)), input.unit),
  ].join(w.sep);
  return { svg: frame({ id, width, height, title: input.title, desc }, parts.join('')), table };
}
