/**
 * Issue 21 items 9 and 10 through the API: the case file frozen at closing (卷宗), the Ministry of
 * Justice's mediation statistics (人民调解工作统计) as CSV and spreadsheet, and the board presenting the
 * dispute-handling sub-index with no-data areas unranked.
 */
import ExcelJS from 'exceljs';
import { canonicalCaseFile, stampCaseFileDigest, unstampCaseFileDigest } from '../../domain/case-file';
import { chinaDate } from '../../domain/safety-index';
import { sha256Hex } from '../../security/credentials';
import { apiOf } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
const suffix = Date.now() % 1_000_000;
const grid = `law-cf-${suffix}`;
const emptyGrid = `law-cf-empty-${suffix}`;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  const admin = await api.as('admin');
  for (const [code, name] of [
    [grid, '卷宗测试网格'],
    [emptyGrid, '无案件网格'],
  ])
    expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/units',
        headers: admin,
        payload: { code, level: 'grid', parentCode: 'yufuci-community', name, population: 2000, committeeShort: '渔' },
      }),
      201,
    );
});
afterAll(() => sys?.close());

const report = (title: string) => ({
  gridCode: grid,
  category: 'neighbour',
  title,
  description: '两户邻居因楼道堆物发生争执。',
  parties: [
    { name: '孙某', role: 'applicant', kind: 'person', phone: '13900002222' },
    { name: '李某', role: 'respondent', kind: 'person' },
  ],
  channel: '12345',
});

/** A case accepted, both parties' will and the rights notice recorded, then closed by `close`. */
async function closedCase(title: string, close: (id: string, m: Record<string, string>) => Promise<unknown>) {
  const mediator = await api.as('mediator@yufuci-community');
  const created = await api.create(report(title));
  await api.act(created.id, 'accept', {}, mediator);
  for (const party of [0, 1])
    await api.act(
      created.id,
      'record-consent',
      { party, consented: true, manner: party === 0 ? 'by_application' : 'oral', rightsNotice: 'written' },
      mediator,
    );
  await api.act(created.id, 'add-note', { text: '走访双方，了解堆物情况' }, mediator);
  await api.act(created.id, 'add-note', { text: '楼道照片三张（网格员拍摄）', evidence: true }, mediator);
  await close(created.id, mediator);
  return created.id as string;
}

it('freezes the whole case file at closing, hashed, immutable, for the staff holding the case only', async () => {
  const id = await closedCase('楼道堆物纠纷（卷宗）', (id, m) =>
    api.act(id, 'fail', { reason: '双方分歧过大', referral: '可向人民法院起诉' }, m),
  );
  // Frozen by the closing step itself, before anyone asks for it.
  const [row] = await sys.orm.em
    .fork()
    .execute<Array<{ html: string; sha256: string; case_number: string }>>(
      'select html, sha256, case_number from case_files where dispute_id = ?',
      [id],
    );
  expect(row).toBeDefined();
  expect(row!.sha256).toBe(sha256Hex(canonicalCaseFile(id, row!.case_number, row!.html)));

  const mediator = await api.as('mediator@yufuci-community');
  const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file`, headers: mediator });
  expect(res.statusCode).toBe(200);
  // Served as stored, with the digest printed on the back page outside the bytes it covers (domain/case-file.ts).
  expect(res.body).toBe(stampCaseFileDigest(row!.html, row!.sha256));
  expect(res.body).toContain(`<code class="case-file-sha256">${row!.sha256}</code>`);
  expect(sha256Hex(canonicalCaseFile(id, row!.case_number, unstampCaseFileDigest(res.body)))).toBe(row!.sha256);
  expect(res.headers['x-case-file-sha256']).toBe(row!.sha256);
  const html = res.body;
  for (const words of [
    '人民调解卷宗',
    row!.case_number,
    '卷内目录',
    '人民调解受理登记表',
    '当事人同意调解及权利义务告知书',
    '书面送达并签收',
    '走访双方，了解堆物情况',
    '证据材料清单',
    '楼道照片三张（网格员拍摄）',
    '调解不成',
    '双方分歧过大',
    '渔父祠社区人民调解委员会',
    '渔父祠社区调解员',
  ])
    expect([words, html.includes(words)]).toEqual([words, true]);
  expect(html).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
  expect(html).not.toContain('卷宗尚未封存');
  // The supervisor over the case reads it too; an integrator (a copy reader) does not.
  expect(
    (
      await sys.app.inject({
        url: `/api/v1/disputes/${id}/documents/case-file`,
        headers: await api.as('supervisor@yufuci-community'),
      })
    ).statusCode,
  ).toBe(200);
  const refused = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file`, headers: api.integrator });
  expect(refused.statusCode).toBe(403);
  expect(refused.json().detail).toMatch(/人民调解卷宗/);
  // The database refuses any change to a frozen file.
  await expect(
    sys.orm.em.fork().execute(`update case_files set html = 'x' where dispute_id = ?`, [id]),
  ).rejects.toThrow(/frozen/);
  await expect(sys.orm.em.fork().execute(`delete from case_files where dispute_id = ?`, [id])).rejects.toThrow(
    /frozen/,
  );
  // A courtesy translation, rendered from the case.
  const en = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file?lang=en`, headers: mediator });
  expect(en.body).toContain('The Chinese original prevails');
});

it('shows a case still open as a preview, not frozen', async () => {
  const mediator = await api.as('mediator@yufuci-community');
  const created = await api.create(report('楼道堆物纠纷（未结）'));
  const res = await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/case-file`, headers: mediator });
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('卷宗尚未封存');
  expect(res.headers['x-case-file-sha256']).toBeUndefined();
});

it('produces the mediation statistics for a supervisor’s area as JSON, CSV and a spreadsheet', async () => {
  await closedCase('楼道堆物纠纷（撤回）', (id, m) => api.act(id, 'withdraw', { reason: '双方自行和解', party: 0 }, m));
  const supervisor = await api.as('supervisor@yufuci-community');
  const today = chinaDate(new Date());
  const url = (format: string) =>
    `/api/v1/statistics/mediation?unit=${grid}&from=${today}&to=${today}&format=${format}`;
  const json = expectStatus(await sys.app.inject({ url: url('json'), headers: supervisor }), 200);
  const total = json.rows.find((r: unknown[]) => r[0] === '合计');
  const col = (head: string) => total[json.heads.indexOf(head)];
  // This file's grid: the failed case and the withdrawn one (the preview case is not accepted).
  expect(col('登记纠纷（件）')).toBe(3);
  expect(col('受理调解（件）')).toBe(2);
  expect(col('来源：当事人申请')).toBe(2);
  expect(col('调解不成（件）')).toBe(1);
  // A withdrawal is not a failure (人民调解法 Art. 23): counted apart.
  expect(col('当事人撤回（件）')).toBe(1);
  expect(col('调解成功率')).toBe('0%');

  const csv = await sys.app.inject({ url: url('csv'), headers: supervisor });
  expect(csv.statusCode).toBe(200);
  expect(csv.headers['content-type']).toMatch(/^text\/csv; charset=utf-8/);
  expect(csv.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  expect(csv.body).toContain('纠纷类型,登记纠纷（件）');
  expect(csv.body).toContain('卷宗测试网格人民调解工作统计');

  const xlsx = await sys.app.inject({ url: url('xlsx'), headers: supervisor });
  expect(xlsx.statusCode).toBe(200);
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
  const sheet = book.getWorksheet('人民调解工作统计')!;
  expect(sheet.getRow(2).getCell(1).value).toBe('纠纷类型');
  expect(sheet.getRow(2).getCell(3).value).toBe('受理调解（件）');

  // A mediator does not read them; a supervisor reads only their own area.
  expect(
    (await sys.app.inject({ url: url('json'), headers: await api.as('mediator@yufuci-community') })).statusCode,
  ).toBe(403);
  expect(
    (await sys.app.inject({ url: url('json'), headers: await api.as('supervisor@wangjiaqiao-community') })).statusCode,
  ).toBe(403);
});

it('presents the board as the dispute-handling sub-index, an area without cases as no data, after the ranked', async () => {
  const today = chinaDate(new Date());
  expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/safety-index/compute',
      headers: await api.as('supervisor@yufuci-community'),
      payload: { period: 'day', date: today },
    }),
    200,
  );
  const items = expectStatus(
    await sys.app.inject({ url: `/api/v1/safety-index?period=day&date=${today}&level=grid` }),
    200,
  ).items as Array<{ unitCode: string; score: number | null; rank: number | null; bandLabel: string }>;
  const empty = items.find((i) => i.unitCode === emptyGrid)!;
  expect(empty).toMatchObject({ score: null, rank: null, bandLabel: '暂无数据' });
  expect(items.find((i) => i.unitCode === grid)!.score).toEqual(expect.any(Number));

  const board = await sys.app.inject({ url: `/board?unit=yufuci-community&period=day&date=${today}` });
  expect(board.statusCode).toBe(200);
  const page = board.body;
  expect(page).toContain('矛盾纠纷化解分项指数');
  expect(page).toMatch(/<dt>发布单位<\/dt><dd class="issuer">[^<]+<\/dd>/);
  expect(page).toMatch(
    /<dt>数据截至<\/dt><dd class="data-date" data-dynamic>\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）/,
  );
  expect(page).toContain('计算方法');
  // The method has a page of its own (/board/method), linked from the board.
  expect(page).toContain('href="/board/method"');
  expect((await sys.app.inject({ url: '/board/method' })).body).toContain('每万人每月20件');
  expect(page).toContain('回访满意度（调解员录入，不计分）');
  // The empty grid's row says 暂无数据, carries no rank, and comes after every ranked row.
  // (The ranking table only: the charts' data tables follow it on the page.)
  const ranking = page.slice(
    page.indexOf('<table class="ranking'),
    page.indexOf('</table>', page.indexOf('<table class="ranking')),
  );
  const rows = ranking.split(/<tr[\s>]/).slice(2);
  const emptyAt = rows.findIndex((r) => r.includes('无案件网格'));
  const dataAt = rows.findIndex((r) => r.includes('卷宗测试网格'));
  expect(rows[emptyAt]).toContain('暂无数据');
  expect(emptyAt).toBeGreaterThan(dataAt);
  expect(rows.slice(emptyAt + 1).every((r) => r.includes('暂无数据'))).toBe(true);
});
