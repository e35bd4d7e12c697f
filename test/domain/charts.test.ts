import { SaxesParser } from 'saxes';
import { BAND_CATEGORIES, barChart, escapeXml, lineChart, niceTicks, unitMap } from '../../domain/charts';

/** Parses the SVG as strict XML (throws on any error) and returns its elements' names and texts. */
function parse(svg: string): { elements: string[]; texts: string[]; attrs: Array<Record<string, string>> } {
  const parser = new SaxesParser({ xmlns: true });
  const elements: string[] = [];
  const texts: string[] = [];
  const attrs: Array<Record<string, string>> = [];
  let error: Error | undefined;
  parser.on('error', (e) => (error ??= e));
  parser.on('opentag', (t) => {
    elements.push(t.local);
    attrs.push(Object.fromEntries(Object.values(t.attributes).map((a) => [a.local, a.value])));
  });
  parser.on('text', (t) => texts.push(t));
  parser.write(svg).close();
  if (error) throw error;
  return { elements, texts, attrs };
}

const HOSTILE = '<script>alert("x")</script>&\'';

describe('SVG charts (domain/charts)', () => {
  it('escapes the five XML characters and drops characters XML forbids', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('ticks are round numbers covering the data', () => {
    expect(niceTicks(0, 100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(3, 47)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(niceTicks(5, 5)[0]).toBeLessThanOrEqual(5);
  });

  it('a bar chart is valid, accessible XML with labelled axes, a legend for two series, and its table', () => {
    const { svg, table } = barChart({
      title: '受理量',
      unit: '件',
      categories: ['鱼复街道', '汪家桥街道', '新堤'],
      series: [
        { name: '本月', values: [12, null, 3] },
        { name: '上月', values: [8, 5, 0] },
      ],
      categoryLabel: '单位',
    });
    const doc = parse(svg);
    expect(doc.elements[0]).toBe('svg');
    expect(doc.attrs[0]).toMatchObject({ role: 'img' });
    expect(doc.elements).toEqual(expect.arrayContaining(['title', 'desc', 'rect', 'text']));
    expect(doc.elements).not.toContain('script');
    expect(doc.texts).toEqual(
      expect.arrayContaining(['受理量', '单位：件', '0', '10', '鱼复街道', '本月', '上月', '单位']),
    );
    // Five bars: the null is a gap, not a bar of zero height; the 0 is a bar.
    expect(doc.elements.filter((e) => e === 'title')).toHaveLength(1 + 5);
    expect(table).toEqual({
      caption: '受理量',
      head: ['单位', '本月（件）', '上月（件）'],
      rows: [
        ['鱼复街道', '12', '8'],
        ['汪家桥街道', '—', '5'],
        ['新堤', '3', '0'],
      ],
    });
  });

  it('one series has no legend', () => {
    const { svg } = barChart({ title: 't', unit: '件', categories: ['a'], series: [{ name: 'only', values: [1] }] });
    expect(parse(svg).texts).not.toContain('only');
  });

  it('hostile names are escaped everywhere and the result still parses', () => {
    const series = [
      { name: HOSTILE, values: [1, 2] },
      { name: 'b', values: [2, null] },
    ];
    const charts = [
      barChart({ title: HOSTILE, unit: HOSTILE, categories: [HOSTILE, 'x'], series }),
      lineChart({
        title: HOSTILE,
        unit: HOSTILE,
        labels: [HOSTILE, 'x'],
        series,
        bands: [{ from: 0, to: 1, label: HOSTILE }],
      }),
      unitMap({
        title: HOSTILE,
        points: [{ name: HOSTILE, lat: 29, lon: 111, category: 'green', value: HOSTILE, href: `/b?u="><script>` }],
        categories: BAND_CATEGORIES,
      }),
    ];
    for (const { svg } of charts) {
      const doc = parse(svg);
      expect(svg).not.toMatch(/<script/i);
      expect(doc.elements).not.toContain('script');
      expect(doc.texts.join('')).toContain('<script>');
    }
  });

  it('empty data renders 暂无数据 (no categories, all values null, no places)', () => {
    const empties = [
      barChart({ title: '空', unit: '件', categories: [], series: [] }),
      barChart({ title: '空', unit: '件', categories: ['a'], series: [{ name: 's', values: [null] }] }),
      lineChart({ title: '空', unit: '分', labels: ['1月', '2月'], series: [{ name: 's', values: [null, null] }] }),
      unitMap({ title: '空', points: [], categories: BAND_CATEGORIES }),
    ];
    for (const { svg } of empties) expect(parse(svg).texts).toContain('暂无数据');
    expect(barChart({ title: 'e', unit: '', categories: [], series: [], lang: 'en' }).svg).toContain('No data');
  });

  it('a line chart breaks at a null, labels its axes and bands, and has one line style per series', () => {
    const { svg, table } = lineChart({
      title: '得分走势',
      unit: '分',
      labels: ['2026年7月', '2026年8月', '2026年9月', '2026年10月'],
      series: [
        { name: '鱼复街道', values: [80, null, 85, 90] },
        { name: '汪家桥街道', values: [70, 72, 74, 76] },
      ],
      min: 0,
      max: 100,
      bands: [{ from: 90, to: 100, label: '优 ≥ 90' }],
      labelAxis: '月份',
    });
    const doc = parse(svg);
    const polylines = doc.attrs.filter((_, i) => doc.elements[i] === 'polyline');
    // 鱼复: 80 | gap | 85–90 → one line of two points (the lone 80 is a mark only); 汪家桥: one line of four.
    expect(polylines.map((p) => p.points!.split(' ').length).sort()).toEqual([2, 4]);
    expect(new Set(polylines.map((p) => p['stroke-dasharray'] ?? 'solid')).size).toBe(2);
    expect(doc.elements.filter((e) => e === 'circle')).toHaveLength(7);
    expect(doc.texts).toEqual(
      expect.arrayContaining([
        '单位：分',
        '0',
        '100',
        '2026年7月',
        '2026年10月',
        '月份',
        '优 ≥ 90',
        '鱼复街道',
        '汪家桥街道',
      ]),
    );
    expect(table.head).toEqual(['月份', '鱼复街道（分）', '汪家桥街道（分）']);
    expect(table.rows[1]).toEqual(['2026年8月', '—', '72']);
  });

  it('a map places a mark per place (north up, east right), labels each, shows a legend and the same data as a table', () => {
    const points = [
      { name: '汪家桥社区', lat: 29.6195, lon: 111.8812, category: 'green', value: '92.5' },
      { name: '汪家桥一网格', lat: 29.6203, lon: 111.8798, category: 'red', value: '60' },
      { name: '鱼复寺社区', lat: 29.0405, lon: 111.6962, category: 'none', value: '暂无数据' },
      { name: '无坐标', lat: Number.NaN, lon: 111, category: 'green' },
    ];
    const { svg, table } = unitMap({
      title: '各单位分布',
      points,
      categories: BAND_CATEGORIES,
      heads: { name: '单位', category: '等级', value: '得分' },
    });
    const doc = parse(svg);
    const marks = doc.attrs.filter((a, i) => doc.elements[i] === 'g' && a.class === 'mark');
    expect(marks).toHaveLength(3);
    expect(doc.texts).toEqual(
      expect.arrayContaining([
        '汪家桥社区 92.5',
        '汪家桥一网格 60',
        '鱼复寺社区 暂无数据',
        '优',
        '差',
        '暂无数据',
        '北',
      ]),
    );
    expect(doc.texts).not.toContain('良'); // the legend lists the categories shown
    expect(doc.texts.some((t) => /^\d+(\.\d+)? 公里$/.test(t))).toBe(true);
    // North is up: 汪家桥 (29.62°N) is drawn above 鱼复寺 (29.04°N).
    const ys = doc.attrs.filter((_, i) => doc.elements[i] === 'circle' || doc.elements[i] === 'polygon');
    expect(ys.length).toBeGreaterThanOrEqual(3);
    const first = (name: string) => svg.indexOf(`<title>${name}`);
    expect(first('汪家桥社区')).toBeGreaterThan(0);
    const cy = (name: string) =>
      Number(
        /cy="([\d.]+)"[^>]*\/>(?:<[^t][^>]*>)*<title>/.exec(
          svg.slice(svg.lastIndexOf('<g class="mark">', first(name))),
        )?.[1],
      );
    expect(cy('汪家桥社区')).toBeLessThan(cy('鱼复寺社区'));
    expect(table).toEqual({
      caption: '各单位分布',
      head: ['单位', '等级', '得分', '纬度', '经度'],
      rows: [
        ['汪家桥社区', '优', '92.5', '29.6195', '111.8812'],
        ['汪家桥一网格', '差', '60', '29.6203', '111.8798'],
        ['鱼复寺社区', '暂无数据', '暂无数据', '29.0405', '111.6962'],
      ],
    });
  });
});
