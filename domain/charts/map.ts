import { type Chart, type ChartLang, WORDS, clip, emptyChart, escapeXml, frame, idOf, textWidth } from './common';

/** A place on the map: a unit with coordinates (WGS-84), its category (a band) and a printed value. */
export interface MapPoint {
  name: string;
  lat: number;
  lon: number;
  /** The key of its MapCategory (the band: green, yellow…). */
  category: string;
  /** What the table and the mark's label say beside the name (a score, 暂无数据…). */
  value?: string;
  /** A link on the mark (to drill down); relative, escaped. */
  href?: string;
}

export type MarkShape = 'circle' | 'square' | 'diamond' | 'triangle' | 'ring';

export interface MapCategory {
  key: string;
  label: string;
  colour: string;
  /** A shape per category, so that colour is never the only signal. */
  shape?: MarkShape;
}

export interface UnitMapInput {
  title: string;
  points: MapPoint[];
  categories: MapCategory[];
  width?: number;
  height?: number;
  lang?: ChartLang;
  /** Heads of the table's columns: the place, its category, its value. */
  heads?: { name?: string; category?: string; value?: string };
  id?: string;
}

/** The Safety Index's bands as map categories (labels as the board prints them). */
export const BAND_CATEGORIES: MapCategory[] = [
  { key: 'green', label: '优', colour: '#1b7f3b', shape: 'circle' },
  { key: 'yellow', label: '良', colour: '#8a6d00', shape: 'square' },
  { key: 'orange', label: '中', colour: '#b45309', shape: 'diamond' },
  { key: 'red', label: '差', colour: '#b91c1c', shape: 'triangle' },
  { key: 'none', label: '暂无数据', colour: '#6b7280', shape: 'ring' },
];

const MAP_WORDS = {
  zh: {
    name: '名称',
    category: '类别',
    value: '数值',
    lat: '纬度',
    lon: '经度',
    desc: (n: number) => `${n}个地点，按经纬度等距投影绘制，不含底图`,
  },
  en: {
    name: 'Name',
    category: 'Category',
    value: 'Value',
    lat: 'Latitude',
    lon: 'Longitude',
    desc: (n: number) => `${n} places, plotted by latitude and longitude (equirectangular), no base map`,
  },
} as const;

/** The mark of a category at (x, y), radius r. */
function mark(shape: MarkShape, x: number, y: number, r: number, colour: string): string {
  const c = `fill="${escapeXml(colour)}" stroke="#ffffff" stroke-width="1.5"`;
  const f = (n: number) => n.toFixed(1);
  switch (shape) {
    case 'square':
      return `<rect x="${f(x - r * 0.85)}" y="${f(y - r * 0.85)}" width="${f(r * 1.7)}" height="${f(r * 1.7)}" ${c}/>`;
    case 'diamond':
      return `<polygon points="${f(x)},${f(y - r * 1.15)} ${f(x + r * 1.15)},${f(y)} ${f(x)},${f(y + r * 1.15)} ${f(x - r * 1.15)},${f(y)}" ${c}/>`;
    case 'triangle':
      return `<polygon points="${f(x)},${f(y - r * 1.2)} ${f(x + r * 1.1)},${f(y + r * 0.8)} ${f(x - r * 1.1)},${f(y + r * 0.8)}" ${c}/>`;
    case 'ring':
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r * 0.85)}" fill="#ffffff" stroke="${escapeXml(colour)}" stroke-width="2.5"/>`;
    default:
      return `<circle cx="${f(x)}" cy="${f(y)}" r="${f(r)}" ${c}/>`;
  }
}

const valid = (p: MapPoint) =>
  Number.isFinite(p.lat) && Number.isFinite(p.lon) && Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180;

/** A distance near a quarter of `max` km, 1-2-5 stepped. */
function niceKm(max: number): number {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  return [...steps].reverse().find((s) => s <= max / 4) ?? 0.1;
}

/**
 * A map of places (equirectangular, x scaled by cos of the mean latitude; no tiles, no base map): a
 * mark per place, coloured and shaped by its category, labelled with its name and value; marks that
 * would overlap are nudged apart with a thin line to their true place. Returned with the same data as a table.
 */
export function unitMap(input: UnitMapInput): Chart {
  const lang = input.lang ?? 'zh';
  const mw = MAP_WORDS[lang];
  const width = input.width ?? 640;
  const height = input.height ?? 420;
  const points = input.points.filter(valid);
  const id = input.id ?? idOf('map', input.title, ...points.map((p) => p.name));
  const cat = (k: string) => input.categories.find((c) => c.key === k);
  const table = {
    caption: input.title,
    head: [
      input.heads?.name ?? mw.name,
      input.heads?.category ?? mw.category,
      input.heads?.value ?? mw.value,
      mw.lat,
      mw.lon,
    ],
    rows: points.map((p) => [
      p.name,
      cat(p.category)?.label ?? p.category,
      p.value ?? '—',
      p.lat.toFixed(4),
      p.lon.toFixed(4),
    ]),
  };
  if (points.length === 0) return { svg: emptyChart(id, width, height, input.title, lang), table };

  const used = input.categories.filter((c) => points.some((p) => p.category === c.key));
  const legendH = 28;
  const pad = 28;
  const plot = { x: pad, y: pad, w: width - 2 * pad, h: height - 2 * pad - legendH };
  const meanLat = points.reduce((s, p) => s + p.lat, 0) / points.length;
  const k = Math.cos((meanLat * Math.PI) / 180);
  const xs = points.map((p) => p.lon * k);
  const ys = points.map((p) => -p.lat);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const spanX = x1 - x0;
  const spanY = y1 - y0;
  // Room for the labels: the scale leaves a margin of a fifth on each side.
  const scale =
    spanX === 0 && spanY === 0
      ? 0
      : Math.min((plot.w * 0.6) / (spanX || Infinity), (plot.h * 0.8) / (spanY || Infinity));
  const cx = plot.x + plot.w / 2;
  const cy = plot.y + plot.h / 2;
  const at = points.map((_, i) => ({
    x: cx + (xs[i]! - (x0 + x1) / 2) * scale,
    y: cy + (ys[i]! - (y0 + y1) / 2) * scale,
  }));
  // Nudge marks apart (at least 18 px between centres), a few rounds, inside the plot.
  const pos = at.map((p) => ({ ...p }));
  for (let round = 0; round < 60; round++) {
    let moved = false;
    for (let i = 0; i < pos.length; i++)
      for (let j = i + 1; j < pos.length; j++) {
        const a = pos[i]!;
        const b = pos[j]!;
        let dx = b.x - a.x;
        let dy = b.y - a.y;
        let d = Math.hypot(dx, dy);
        if (d >= 18) continue;
        if (d < 0.01) [dx, dy, d] = [Math.cos(j * 2.4), Math.sin(j * 2.4), 1];
        const push = (18 - d) / 2;
        a.x -= (dx / d) * push;
        a.y -= (dy / d) * push;
        b.x += (dx / d) * push;
        b.y += (dy / d) * push;
        moved = true;
      }
    for (const p of pos) {
      p.x = Math.min(plot.x + plot.w, Math.max(plot.x, p.x));
      p.y = Math.min(plot.y + plot.h, Math.max(plot.y, p.y));
    }
    if (!moved) break;
  }

  const parts: string[] = [
    `<rect x="1" y="1" width="${width - 2}" height="${height - 2}" fill="#f8fafc" stroke="#cbd5e1"/>`,
  ];
  // Labels: right of the mark, else left; moved down until they overlap no other label.
  const boxes: Array<{ x: number; y: number; w: number; h: number }> = [];
  const overlaps = (b: { x: number; y: number; w: number; h: number }) =>
    boxes.some((o) => b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h) ||
    pos.some((p) => p.x > b.x - 6 && p.x < b.x + b.w + 6 && p.y > b.y - 6 && p.y < b.y + b.h + 6);
  const order = pos.map((_, i) => i).sort((a, b) => pos[a]!.y - pos[b]!.y || pos[a]!.x - pos[b]!.x);
  const labels: string[] = [];
  for (const i of order) {
    const p = points[i]!;
    const q = pos[i]!;
    const text = clip(p.value ? `${p.name} ${p.value}` : p.name, 18);
    const w = textWidth(text, 12) + 4;
    let box = { x: q.x + 10, y: q.y - 8, w, h: 16 };
    const tries: Array<{ x: number; y: number; w: number; h: number }> = [];
    for (let s = 0; s < 8; s++)
      for (const side of [1, -1])
        for (const dir of [1, -1]) {
          const x = side > 0 ? q.x + 10 : q.x - 10 - w;
          tries.push({ x, y: q.y - 8 + dir * s * 16, w, h: 16 });
        }
    box =
      tries.find(
        (b) => b.x >= 2 && b.x + b.w <= width - 2 && b.y >= 2 && b.y + b.h <= height - legendH && !overlaps(b),
      ) ?? box;
    boxes.push(box);
    const ly = box.y + 8;
    const near = box.x > q.x ? box.x : box.x + box.w;
    if (Math.abs(ly - q.y) > 9)
      labels.push(
        `<line x1="${q.x.toFixed(1)}" y1="${q.y.toFixed(1)}" x2="${near.toFixed(1)}" y2="${ly.toFixed(1)}" stroke="#94a3b8" stroke-width="0.8"/>`,
      );
    labels.push(
      `<text x="${(box.x + 2).toFixed(1)}" y="${ly.toFixed(1)}" dominant-baseline="middle" fill="#111111" stroke="#ffffff" stroke-width="3" paint-order="stroke">${escapeXml(text)}</text>`,
    );
  }
  points.forEach((p, i) => {
    const c = cat(p.category) ?? { label: p.category, colour: '#6b7280', shape: 'circle' as MarkShape };
    const q = pos[i]!;
    const t = at[i]!;
    const moved = Math.hypot(q.x - t.x, q.y - t.y) > 2;
    const body =
      (moved
        ? `<line x1="${t.x.toFixed(1)}" y1="${t.y.toFixed(1)}" x2="${q.x.toFixed(1)}" y2="${q.y.toFixed(1)}" stroke="#64748b" stroke-width="1"/><circle cx="${t.x.toFixed(1)}" cy="${t.y.toFixed(1)}" r="1.8" fill="#334155"/>`
        : '') +
      mark(c.shape ?? 'circle', q.x, q.y, 7, c.colour) +
      `<title>${escapeXml(`${p.name}：${c.label}${p.value && p.value !== c.label ? `，${p.value}` : ''}`)}</title>`;
    parts.push(p.href ? `<a href="${escapeXml(p.href)}" class="mark">${body}</a>` : `<g class="mark">${body}</g>`);
  });
  parts.push(...labels);

  // North, scale, legend.
  const w = WORDS[lang];
  parts.push(
    `<g aria-hidden="true"><polygon points="${width - 22},12 ${width - 16},26 ${width - 28},26" fill="#334155"/><text x="${width - 22}" y="40" text-anchor="middle" fill="#334155">${escapeXml(w.north)}</text></g>`,
  );
  if (scale > 0) {
    const kmPerPx = 111.32 / scale;
    const km = niceKm(plot.w * kmPerPx);
    const len = km / kmPerPx;
    const sy = height - legendH - 8;
    parts.push(
      `<g><line x1="${pad}" y1="${sy}" x2="${(pad + len).toFixed(1)}" y2="${sy}" stroke="#334155" stroke-width="2"/>` +
        `<line x1="${pad}" y1="${sy - 4}" x2="${pad}" y2="${sy + 1}" stroke="#334155"/><line x1="${(pad + len).toFixed(1)}" y1="${sy - 4}" x2="${(pad + len).toFixed(1)}" y2="${sy + 1}" stroke="#334155"/>` +
        `<text x="${(pad + len + 6).toFixed(1)}" y="${sy}" dominant-baseline="middle" fill="#334155" font-size="11">${escapeXml(`${km} ${w.km}`)}</text></g>`,
    );
  }
  let lx = pad;
  const legendY = height - legendH / 2;
  const items = used.map((c) => {
    const item = `<g>${mark(c.shape ?? 'circle', lx + 7, legendY, 6, c.colour)}<text x="${lx + 18}" y="${legendY}" dominant-baseline="middle" fill="#111111">${escapeXml(c.label)}</text></g>`;
    lx += 30 + textWidth(c.label, 12);
    return item;
  });
  parts.push(`<g class="legend" aria-label="${escapeXml(w.legend)}">${items.join('')}</g>`);
  return {
    svg: frame(
      { id, width, height, title: input.title, desc: mw.desc(points.length), className: 'chart map' },
      parts.join(''),
    ),
    table,
  };
}
