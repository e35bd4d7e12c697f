/**
 * The public board as a city would publish it, on the real system (Temporal computes the index, the
 * page is read without JavaScript): issuer, data date and method at the top, the region's own score
 * and rank, an area a visitor picks, a labelled trend chart and a map of the units with coordinates,
 * each with its data table, and no personal data.
 */
import { SaxesParser } from 'saxes';
import { Unit } from '../../db/entities';
import { escapeXml } from '../../domain/charts';
import { chinaDate } from '../../domain/safety-index';
import { apiOf } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
const today = chinaDate(new Date());
const PARTY = '柏某某';
const PHONE = '13912345678';
/** A unit whose name is markup (an admin may type anything): escaped on the board, in its SVG too. */
const HOSTILE = { code: `board-hostile-${Date.now() % 1_000_000}`, name: `桃李<二期>&"网格'` };

beforeAll(async () => {
  sys = await startSystem();
  const api = apiOf(sys);
  expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/units',
      headers: await api.as('admin'),
      payload: { ...HOSTILE, level: 'grid', parentCode: 'yufuci-community', population: 900, committeeShort: '渔' },
    }),
    201,
  );
  // The directory's coordinates (no API sets them: the seed and the import do).
  await sys.orm.em.fork().nativeUpdate(Unit, { code: HOSTILE.code }, { latitude: 29.0412, longitude: 111.6991 });
  await api.create({
    gridCode: 'yufuci-taoli',
    category: 'neighbour',
    title: '楼道堆物',
    description: `${PARTY}家门口堆放杂物，联系电话${PHONE}。`,
    parties: [
      { name: PARTY, role: 'applicant', phone: PHONE },
      { name: '邹某某', role: 'respondent' },
    ],
    channel: '12345',
  });
  expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/safety-index/compute',
      headers: await api.as('admin'),
      payload: { period: 'month', date: today },
    }),
    200,
  );
});
afterAll(() => sys?.close());

/** The SVG elements of a page, each checked to be well-formed XML. */
function svgsOf(html: string): string[] {
  const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
  for (const svg of svgs) {
    const parser = new SaxesParser({ xmlns: true });
    let error: Error | undefined;
    parser.on('error', (e) => (error ??= e));
    parser.write(svg).close();
    if (error) throw error;
  }
  return svgs;
}

const textOf = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('GET /board (no JavaScript)', () => {
  let html: string;
  beforeAll(async () => {
    const page = await sys.app.inject({ url: `/board?date=${today}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'/);
    html = page.body;
  });

  it('names the issuer, the date of the data in Beijing time and links the method, at the top', () => {
    const top = textOf(html.slice(0, html.indexOf('<main>')));
    expect(top).toMatch(/发布单位 ?常德市人民调解委员会/);
    expect(top).toMatch(/数据截至 ?\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）/);
    expect(html.slice(0, html.indexOf('<main>'))).toContain('<a href="/board/method">查看计算方法</a>');
    expect(html).not.toMatch(/<script/i);
  });

  it("shows the region's own score, band and rank, and where each area ranks", async () => {
    const city = textOf(html.slice(html.indexOf('本地区得分与排名'), html.indexOf('下辖地区排名')));
    expect(city).toMatch(/常德市 (\d+(\.\d)?|暂无数据)/);
    expect(city).toMatch(/等级： ?(优|良|中|差|暂无数据)/);
    expect(city).toContain('最高一级地区，不参与排名');
    const ranking = html.slice(html.indexOf('<table class="ranking"'), html.indexOf('</table>'));
    expect(textOf(ranking)).toMatch(/武陵区/);
    expect(textOf(ranking)).toMatch(/津市市/);

    // A visitor picks an area (a GET form): its score, band and rank among its siblings.
    expect(html).toMatch(/<select id="area" name="area">/);
    const picked = await sys.app.inject({ url: `/board?area=yufuci-taoli&date=${today}` });
    expect(picked.statusCode).toBe(200);
    const card = textOf(picked.body.slice(picked.body.indexOf('您选择的地区：'), picked.body.indexOf('下辖地区排名')));
    expect(card).toMatch(/您选择的地区：桃李网格 \d+(\.\d)? 分/);
    expect(card).toMatch(/在渔父祠社区下辖\d+个有数据的地区中排第\d+名/);
    expect(picked.body).toMatch(/<tr role="row" class="picked" data-unit="yufuci-taoli">/);
    expect(picked.body).toMatch(/<h1>渔父祠社区平安指数/);
  });

  it('draws the trend as a labelled line chart (axes, unit, periods, bands) with its table', () => {
    const trend = svgsOf(html).find((s) => s.includes('得分走势'))!;
    expect(trend).toBeDefined();
    expect(trend).toMatch(/role="img"/);
    expect(trend).toMatch(/<title id="[^"]+">常德市下辖各地区得分走势（近6个月）<\/title>/);
    for (const label of ['得分（分）', '月份', '>0<', '>100<', `${Number(today.slice(5, 7))}月<`, '优 ≥ 90'])
      expect(trend).toContain(label.startsWith('>') || label.endsWith('<') ? label : `>${label}<`);
    expect(trend).toMatch(/<polyline points=|<circle/);
    const table = html.slice(html.indexOf('数据表：常德市下辖各地区得分走势'));
    expect(table).toMatch(/<th scope="col">月份<\/th><th scope="col">(武陵区|津市市)（分）<\/th>/);
    expect(html).not.toMatch(/<svg class="trend"/); // the unlabelled sparklines are gone
  });

  it('maps every unit with coordinates (no tiles): a mark and a label each, a legend, and the same data as a table', async () => {
    const placed = await sys.orm.em
      .fork()
      .find(Unit, { path: { $like: '/changde/%' }, latitude: { $ne: null }, longitude: { $ne: null }, kind: 'region' });
    expect(placed.length).toBeGreaterThanOrEqual(8);
    const map = svgsOf(html).find((s) => s.includes('class="chart map"'))!;
    expect(map).toBeDefined();
    expect(map.match(/class="mark"/g)).toHaveLength(placed.length);
    for (const u of placed) expect(map).toContain(`<title>${escapeXml(u.name)}：`);
    expect(map).toMatch(/>桃李网格 (\d+(\.\d)?|暂无数据)</);
    expect(map).toMatch(/class="legend"/);
    expect(map).not.toMatch(/https?:\/\/(?!www\.w3\.org)/); // no tile or font server
    const table = html.slice(html.indexOf('数据表：常德市各地区分布'));
    const rows = table.slice(0, table.indexOf('</table>')).match(/<tr><th scope="row">/g);
    expect(rows).toHaveLength(placed.length);
    expect(table).toContain('<th scope="col">纬度</th><th scope="col">经度</th>');
  });

  it('carries no personal data: no party, no phone number', async () => {
    for (const url of [`/board?date=${today}`, `/board?area=yufuci-taoli&date=${today}`, '/board/method']) {
      const body = (await sys.app.inject({ url })).body;
      expect(body).not.toContain(PARTY);
      expect(body).not.toContain('邹某某');
      expect(body).not.toMatch(/1[3-9]\d{9}|0736-\d{7}/);
    }
  });
});

describe('a region page', () => {
  it('escapes a name that is markup, in the ranking and in the map, and the SVG stays well-formed', async () => {
    const page = await sys.app.inject({ url: `/board?unit=yufuci-community&date=${today}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('<二期>');
    const map = svgsOf(page.body).find((s) => s.includes('class="chart map"'))!;
    expect(map).toContain('<title>桃李&lt;二期&gt;&amp;&quot;网格&#39;：');
    expect(page.body).toMatch(/<th scope="row" role="rowheader">桃李&lt;二期&gt;&amp;&quot;网格&#x27;/);
  });

  it('a grid has no sub-areas: its own score and rank, and itself on the map', async () => {
    const page = await sys.app.inject({ url: `/board?unit=yufuci-taoli&date=${today}` });
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('本地区没有下辖地区，得分与排名见上。');
    expect(textOf(page.body)).toMatch(/桃李网格 (\d+(\.\d)? 分|暂无数据) 等级/);
    expect(textOf(page.body)).toMatch(/在渔父祠社区下辖\d+个有数据的地区中排第\d+名/);
    expect(
      svgsOf(page.body)
        .find((s) => s.includes('class="chart map"'))!
        .match(/class="mark"/g),
    ).toHaveLength(1);
  });
});

describe('GET /board/method', () => {
  it('explains the index, its weights and bands on a page of its own, linked back to the board', async () => {
    const page = await sys.app.inject({ url: '/board/method' });
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('矛盾纠纷化解分项指数');
    expect(text).toMatch(/按时受理率 20 \d+(\.\d)?%/);
    expect(text).toContain('优 ≥ 90');
    expect(page.body).toContain('<a href="/board">返回平安指数榜单</a>');
  });

  it('refuses an unknown area and a day that does not exist', async () => {
    expect((await sys.app.inject({ url: '/board?area=no-such-area' })).statusCode).toBe(404);
    expect((await sys.app.inject({ url: '/board?date=2026-13-45' })).statusCode).toBe(400);
    expect((await sys.app.inject({ url: '/board?date=2026-02-30' })).statusCode).toBe(400);
  });
});
