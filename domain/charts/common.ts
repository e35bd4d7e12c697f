/**
 * Shared parts of the server-rendered SVG charts (domain/charts/): escaping, number ticks, colours,
 * the few words a chart prints itself, and the accessible frame (role="img", <title>, <desc>). Pure
 * string building: no DOM, no scripts, no external fonts, readable without JavaScript.
 */

export type ChartLang = 'zh' | 'en';

/** One named series of values; null is a gap (no data), never zero. */
export interface Series {
  name: string;
  values: Array<number | null>;
}

/** The data behind a chart, as an accessible table (caption, column heads, rows of text). */
export interface ChartTable {
  caption: string;
  head: string[];
  rows: string[][];
}

export interface Chart {
  svg: string;
  table: ChartTable;
}

/** Escapes text for XML/HTML element content and attribute values (both quotes included). */
export function escapeXml(text: unknown): string {
  return (
    String(text ?? '')
      // Characters XML 1.0 forbids (C0 controls except tab, LF, CR; lone surrogates; U+FFFE/FFFF).
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&#39;')
  );
}

export const WORDS = {
  zh: {
    noData: '暂无数据',
    category: '类别',
    period: '期间',
    legend: '图例',
    unit: '单位',
    north: '北',
    km: '公里',
    chartOf: (title: string) => `${title}（图表，数据见下表）`,
    series: (n: number) => `${n}个数据系列`,
    range: (min: string, max: string, unit: string) => `数值范围 ${min}–${max}${unit}`,
    gaps: '空缺表示该期无数据',
    sep: '；',
  },
  en: {
    noData: 'No data',
    category: 'Category',
    period: 'Period',
    legend: 'Legend',
    unit: 'Unit',
    north: 'N',
    km: 'km',
    chartOf: (title: string) => `${title} (chart; the data are in the table below)`,
    series: (n: number) => `${n} series`,
    range: (min: string, max: string, unit: string) => `values from ${min} to ${max} ${unit}`,
    gaps: 'a gap means no data for that period',
    sep: '; ',
  },
} as const;

/** Colours with enough contrast on white, told apart by dash or shape too (never by colour alone). */
export const PALETTE = ['#1d4ed8', '#b45309', '#047857', '#7c3aed', '#be123c', '#0e7490', '#4d7c0f', '#6b7280'];
export const DASHES = ['', '6 3', '2 3', '8 3 2 3', '1 2', '10 4'];

export const FONT = 'font-family="sans-serif"';

/** A number as printed on an axis or in a table: at most two decimals, no trailing zeros. */
export function formatNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

/** "Nice" ticks covering [min, max]: 1, 2, 2.5 or 5 times a power of ten, about `count` of them. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min === max) {
    const pad = min === 0 ? 1 : Math.abs(min) * 0.1;
    min -= pad;
    max += pad;
    if (min < 0 && min + pad >= 0) min = 0;
  }
  const raw = (max - min) / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * pow >= raw) ?? 10) * pow;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let t = lo; t <= hi + step / 2 && ticks.length < 50; t += step) ticks.push(Math.round(t * 1e9) / 1e9);
  return ticks;
}

/** A short deterministic id from text (djb2), so two charts on a page do not share title ids. */
export function idOf(...parts: string[]): string {
  let h = 5381;
  for (const c of parts.join('\u0001')) h = ((h * 33) ^ c.codePointAt(0)!) >>> 0;
  return `c${h.toString(36)}`;
}

/** Text cut to `max` characters (with …) for a crowded axis; the table keeps the whole text. */
export function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Rough width of text in px at a font size: CJK characters are square, others about half. */
export function textWidth(text: string, size: number): number {
  let w = 0;
  for (const c of text) w += c.codePointAt(0)! > 0x2e80 ? size : size * 0.58;
  return w;
}

/** The opening of an accessible chart: role="img", labelled by its <title> and described by its <desc>. */
export function frame(
  opts: { id: string; width: number; height: number; title: string; desc: string; className?: string },
  body: string,
): string {
  const { id, width, height } = opts;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="${escapeXml(opts.className ?? 'chart')}" viewBox="0 0 ${width} ${height}" ` +
    `width="${width}" height="${height}" role="img" aria-labelledby="${id}-t" aria-describedby="${id}-d" ${FONT} font-size="12">` +
    `<title id="${id}-t">${escapeXml(opts.title)}</title><desc id="${id}-d">${escapeXml(opts.desc)}</desc>` +
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>${body}</svg>`
  );
}

/** The centred "no data" chart. */
export function emptyChart(id: string, width: number, height: number, title: string, lang: ChartLang): string {
  const w = WORDS[lang];
  return frame(
    { id, width, height, title, desc: w.noData },
    `<text x="${width / 2}" y="${height / 2}" text-anchor="middle" dominant-baseline="middle" fill="#555555" font-size="16">${escapeXml(w.noData)}</text>`,
  );
}

/** A legend row (swatch + name per series) at the top of a chart; returns its markup and height. */
export function legend(
  items: Array<{ name: string; colour: string; dash?: string; kind: 'line' | 'box' }>,
  x0: number,
  y0: number,
  width: number,
  lang: ChartLang,
): { svg: string; height: number } {
  let x = x0;
  let y = y0;
  const parts: string[] = [];
  for (const it of items) {
    const label = clip(it.name, 16);
    const w = 26 + textWidth(label, 12) + 14;
    if (x > x0 && x + w > x0 + width) {
      x = x0;
      y += 18;
    }
    const swatch =
      it.kind === 'line'
        ? `<line x1="${x}" y1="${y + 6}" x2="${x + 20}" y2="${y + 6}" stroke="${it.colour}" stroke-width="3"${it.dash ? ` stroke-dasharray="${it.dash}"` : ''}/>`
        : `<rect x="${x + 4}" y="${y}" width="12" height="12" fill="${it.colour}"/>`;
    parts.push(`<g>${swatch}<text x="${x + 26}" y="${y + 10}" fill="#111111">${escapeXml(label)}</text></g>`);
    x += Math.ceil(w);
  }
  return {
    svg: `<g class="legend" aria-label="${escapeXml(WORDS[lang].legend)}">${parts.join('')}</g>`,
    height: y - y0 + 22,
  };
}
