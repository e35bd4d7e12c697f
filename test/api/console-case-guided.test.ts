/**
 * The case page's guided actions (issue 24, item 3), through the console as a mediator uses it,
 * against the real system: the signature checklist names who is still to sign and how each signed,
 * the seal is offered only after every signature and never once affixed, 协议已生效 is announced with
 * its time when the seal lands and stays on the page, every document is listed with a print and a
 * PDF button that answer, the 调解记录 and the meeting's notice stay listed after the meeting, terms are
 * numbered from 1, the timeline has no raw codes, and the assignee pickers offer only units the API
 * takes (each posted and accepted).
 */
import type { LightMyRequestResponse } from 'fastify';
import { Unit } from '../../db/entities';
import { apiOf } from '../helpers/api';
import { consoleLogin } from '../helpers/console';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { TEST_PASSWORD } from '../helpers/run-state';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(async () => sys?.close());

async function loginAs(username: string): Promise<string> {
  const res = await consoleLogin(sys.app, { username, password: TEST_PASSWORD, next: '/console' });
  expect(res.statusCode).toBe(303);
  const set = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('fq_session='));
  return set!.split(';')[0]!;
}

const page = (cookie: string, url: string) => sys.app.inject({ url, headers: { cookie } });
const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const post = (cookie: string, url: string, fields: Record<string, string>) =>
  sys.app.inject({
    method: 'POST',
    url,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });
const unescape = (v: string) => v.replace(/&amp;/g, '&').replace(/&#x3D;/g, '=');
/** The section of the page under the heading with this id, up to the next h2. */
const section = (html: string, id: string) => {
  const start = html.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const end = html.indexOf('<h2', start + 1);
  return html.slice(start, end < 0 ? undefined : end);
};
const offered = (html: string) =>
  [...html.matchAll(/action="\/console\/cases\/[^/]+\/actions\/([a-z-]+)"/g)].map((m) => m[1]);
const optionsOf = (html: string, id: string) =>
  [...(new RegExp(`<select id="${id}"[^>]*>([\\s\\S]*?)</select>`).exec(html)?.[1] ?? '').matchAll(/value="([^"]*)"/g)]
    .map((m) => m[1]!)
    .filter(Boolean);
/**
 * Latin words in what people read of the page's main part (its text, titles and labels), each with
 * what surrounds it; names and codes aside (<code>, translate="no", user names with @).
 */
const englishIn = (html: string) => {
  const main = html
    .slice(html.indexOf('<main'), html.indexOf('</main>'))
    .replace(/<code[^>]*>[\s\S]*?<\/code>/g, ' ')
    .replace(/<(\w+)[^>]*translate="no"[^>]*>[\s\S]*?<\/\1>/g, ' ');
  const titles = [...main.matchAll(/(?:title|aria-label|placeholder)="([^"]*)"/g)].map((m) => m[1]).join(' ');
  const text = `${main.replace(/<[^>]*>/g, ' ')} ${titles}`
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S+@\S+/g, ' ')
    .replace(/&[#\w]+;/g, ' ')
    .replace(/\s+/g, ' ');
  return [...text.matchAll(/[A-Za-z][A-Za-z'-]*[A-Za-z]/g)]
    .filter((m) => !['PDF', 'SLA', 'ID', 'SMS'].includes(m[0]))
    .map((m) => `${m[0]} ← ${text.slice(Math.max(0, m.index! - 30), m.index! + 30)}`);
};

describe('the case page guides signing, the documents and the pickers', () => {
  it('lists who is still to sign, offers the seal last and once, announces 协议已生效, and lists every document with print and PDF', async () => {
    const created = await api.create({ ...taoliLiftNoise(), title: `控制台签署清单 ${Date.now()}` });
    const mediator = await api.as('mediator@yufuci-community');
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator);
    const cookie = await loginAs('mediator@yufuci-community');

    // Terms numbered from 1 (第一条…), as the agreement prints them; the field names keep their index.
    const mediating = (await page(cookie, `/console/cases/${created.id}`)).body;
    expect(mediating).toContain('<label for="resolve-terms-0-text">第一条：条款内容</label>');
    expect(mediating).toContain('<label for="resolve-terms-2-text">第三条：条款内容</label>');
    expect(mediating).toContain('<label for="resolve-terms-1-text">第二条：条款内容</label>');
    expect(mediating).not.toMatch(/条款内容 0</);

    const at = meetingSoon();
    await api.act(
      created.id,
      'schedule-meeting',
      { at, place: '渔父祠社区调解室', agencies: ['safety-station'] },
      mediator,
    );
    await untilMeetingStarts(at);
    await api.act(created.id, 'record-outcome', { result: 'agreed', ...agreedTerms() }, mediator);
    expect((await api.get(created.id)).stage).toBe('awaiting_signatures');

    // Awaiting signatures: everyone is missing, the seal is not offered, the status line says who is missing.
    let html = (await page(cookie, `/console/cases/${created.id}`)).body;
    const checklist = () => section(html, 'h-signatures');
    /** The checklist's line of a signer (by the name in bold): its class (signed / missing) and text. */
    const line = (who: string) => {
      const li = new RegExp(`<li class="([^"]+)">(?:(?!</li>).)*?<strong>${who}</strong>(?:(?!</li>).)*</li>`).exec(
        checklist(),
      );
      return { state: li?.[1] ?? 'absent', text: (li?.[0] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ') };
    };
    expect(line('陈某')).toEqual({ state: 'missing', text: expect.stringContaining('✘ 未签 申请人 陈某 ：尚未签署') });
    expect(line('常德市某小吃店').state).toBe('missing');
    expect(line('人民调解员').state).toBe('missing');
    expect(line('人民调解委员会印章')).toEqual({
      state: 'seal missing',
      text: expect.stringContaining('待各方当事人和人民调解员签名后加盖'),
    });
    // A send-link button beside each party still to sign (its phone is on file or not: the API decides).
    expect(checklist()).toContain('发送签署链接：陈某');
    expect(html).toMatch(/id="agreement-status"[\s\S]*?待签署 · 尚缺：陈某、常德市某小吃店、人民调解员/);
    expect(offered(html)).toContain('sign');
    expect(offered(html)).not.toContain('seal');
    // The agreement to print for wet signatures, named as the office uses it.
    expect(section(html, 'h-documents')).toContain('人民调解协议书（签署用）');
    expect(section(html, 'h-documents')).toContain('请打印一式三份');

    // Sign from the console's form: a party in person, the other by fingerprint, then the mediator.
    const sign = async (signer: string, method: string) => {
      const res = await post(cookie, `/console/cases/${created.id}/actions/sign`, {
        _csrf: csrfOf(html),
        signer,
        method,
      });
      expect(res.statusCode).toBe(303);
      html = (await page(cookie, String(res.headers.location))).body;
    };
    await sign('party:0', 'signature');
    expect(line('陈某').state).toBe('signed');
    expect(line('陈某').text).toMatch(/陈某 ：现场签名（由\S+记录） ， \d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(line('常德市某小吃店').state).toBe('missing');
    expect(checklist()).not.toContain('发送签署链接：陈某');
    // The sign form offers only who is still to sign.
    expect(optionsOf(html, 'sign-signer')).toEqual(['party:1', 'mediator']);
    expect(offered(html)).not.toContain('seal');
    await sign('party:1', 'fingerprint');
    expect(line('常德市某小吃店').text).toContain('按指印（由');
    expect(offered(html)).not.toContain('seal');
    await sign('mediator', 'signature');
    expect(checklist()).not.toContain('class="missing"');
    expect(line('人民调解委员会印章').text).toContain('各方已签名，可以加盖');
    expect(offered(html)).toContain('seal');

    // The seal lands: the agreement takes effect, announced with its time; the seal form is gone.
    const sealed = await post(cookie, `/console/cases/${created.id}/actions/seal`, { _csrf: csrfOf(html) });
    expect(sealed.statusCode).toBe(303);
    html = (await page(cookie, String(sealed.headers.location))).body;
    const banner = /<p class="notice ok effect" role="status"><strong data-dynamic>([^<]+)<\/strong>/.exec(html)?.[1];
    console.log('banner:', banner);
    expect(banner).toMatch(/^协议已生效：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间），协议书编号 （\d{4}）/);
    expect(offered(html)).not.toContain('seal');
    expect(offered(html)).not.toContain('sign');
    // It stays on the page (without the banner): the status line and the checklist's seal row.
    html = (await page(cookie, `/console/cases/${created.id}`)).body;
    expect(html).not.toContain('class="notice ok effect"');
    expect(html).toMatch(/id="agreement-status"><strong>协议状态<\/strong>：<span data-dynamic>协议已生效：\d{4}年/);
    expect(line('人民调解委员会印章')).toEqual({
      state: 'seal signed',
      text: expect.stringMatching(/✔ 已加盖 .*\d{4}年/),
    });

    // Every document, with its print and PDF buttons; the record and the notice stay after the meeting.
    const docs = section(html, 'h-documents');
    for (const name of [
      '纠纷受理登记表',
      '权利义务告知书',
      '联合调解邀请函',
      '人民调解记录',
      '人民调解协议书（生效正本）',
      '人民调解协议书（脱敏副本）',
      '签署审计证书',
      '司法确认申请书',
    ])
      expect(docs).toContain(name);
    expect(docs).toContain('一式三份：陈某、常德市某小吃店各执一份，渔父祠社区人民调解委员会存档一份');
    expect(docs).not.toContain('签署用');
    const prints = [...docs.matchAll(/class="button print" href="([^"]+)"/g)].map((m) => unescape(m[1]!));
    const pdfs = [...docs.matchAll(/class="button pdf" href="([^"]+)"/g)].map((m) => unescape(m[1]!));
    expect(prints.length).toBeGreaterThanOrEqual(9);
    expect(pdfs).toHaveLength(prints.length);
    const statuses: string[] = [];
    for (const href of prints) {
      const res = await page(cookie, href);
      statuses.push(`${res.statusCode} ${href.replace(/.*documents\//, '')}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    }
    for (const href of pdfs) {
      expect(href).toMatch(/format=pdf/);
      const res = await page(cookie, href);
      statuses.push(`${res.statusCode} ${href.replace(/.*documents\//, '')}`);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    }
    console.log('documents:', statuses.join(' | '));

    // The timeline in words: the meeting's result is 达成协议, never the code "agreed".
    const timeline = section(html, 'h-timeline');
    expect(timeline).toContain('记录调解结果');
    expect(timeline).toContain('达成协议');
    expect(timeline).toContain('协议生效');
    expect(html).not.toMatch(/\bagreed\b/);
    const english = englishIn(html);
    console.log('latin words on the page:', english);
    expect(english).toEqual([]);
  });

  it('offers to reassign and transfer only to units the API takes, and each offered one is taken', async () => {
    const created = await api.create({
      ...taoliLiftNoise(),
      gridCode: 'wangjiaqiao-g1',
      title: `控制台改派名单 ${Date.now()}`,
    });
    const em = sys.orm.em.fork();
    const area = (await em.findOneOrFail(Unit, { code: 'wangjiaqiao-street' })).path;
    const supervisor = await loginAs('supervisor@wangjiaqiao-street');
    const html = (await page(supervisor, `/console/cases/${created.id}`)).body;
    const choices = optionsOf(html, 'reassign-unitCode');
    console.log('reassign offers:', choices);
    expect(choices.length).toBeGreaterThan(0);
    // The rule the workflow applies: in the supervisor's area, not a grid, not the unit holding it.
    const units = await em.find(Unit, { code: { $in: choices } });
    expect(units).toHaveLength(choices.length);
    for (const u of units) {
      expect(u.level).not.toBe('grid');
      expect(u.path.startsWith(area)).toBe(true);
    }
    expect(choices).not.toContain('wangjiaqiao-community');
    expect(choices).not.toContain('wangjiaqiao-g1');
    // Each offered unit, posted in turn, is taken.
    for (const code of choices) {
      const res = await post(supervisor, `/console/cases/${created.id}/actions/reassign`, {
        _csrf: csrfOf(html),
        reason: '改派测试',
        unitCode: code,
      });
      expect(`${code} ${res.statusCode}`).toBe(`${code} 303`);
      expect((await api.get(created.id)).unit.code).toBe(code);
    }

    // 退回转办: sideways within the level above (the street), never a grid.
    const other = await api.create({
      ...taoliLiftNoise(),
      gridCode: 'wangjiaqiao-g1',
      title: `控制台转办名单 ${Date.now()}`,
    });
    const mediator = await loginAs('mediator@wangjiaqiao-community');
    const page2 = (await page(mediator, `/console/cases/${other.id}`)).body;
    const transfers = optionsOf(page2, 'decline-transferTo');
    console.log('transfer offers:', transfers);
    expect(transfers).toContain('xindi-community');
    expect(transfers).not.toContain('wangjiaqiao-g1');
    expect(transfers).not.toContain('wangjiaqiao-community');
    for (const u of await em.find(Unit, { code: { $in: transfers } })) {
      expect(u.level).not.toBe('grid');
      expect(u.path.startsWith(area)).toBe(true);
    }
    const moved: LightMyRequestResponse = await post(mediator, `/console/cases/${other.id}/actions/decline`, {
      _csrf: csrfOf(page2),
      reason: '属新堤社区辖区',
      transferTo: 'xindi-community',
    });
    expect(moved.statusCode).toBe(303);
    expect((await api.get(other.id)).unit.code).toBe('xindi-community');
  });

  it('shows a meeting reminder without a warning after it, the notice before the meeting, and 暂停中 once', async () => {
    const created = await api.create({ ...taoliLiftNoise(), title: `控制台会前提醒 ${Date.now()}` });
    const mediator = await api.as('mediator@yufuci-community');
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator);
    const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await api.act(
      created.id,
      'schedule-meeting',
      { at, place: '渔父祠社区调解室', agencies: ['safety-station'] },
      mediator,
    );
    const cookie = await loginAs('mediator@yufuci-community');
    const html = (await page(cookie, `/console/cases/${created.id}`)).body;
    // The reminder's row: when it is sent, the meeting it is for, no warning column after its time.
    const row = /<tr><th scope="row">发送会前提醒[\s\S]*?<\/tr>/.exec(section(html, 'h-deadlines'))?.[0] ?? '';
    console.log('reminder row:', row.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' '));
    expect(row).toMatch(/会议时间：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(row).toContain('<td data-dynamic>—</td>');
    expect(row).toContain('待发送');
    expect(section(html, 'h-documents')).toContain('联合调解邀请函');
    expect(section(html, 'h-documents')).toContain('人民调解记录');

    // Suspended: the light says 暂停中 once (it read "暂停中 暂停中").
    const other = await api.create({ ...taoliLiftNoise(), title: `控制台暂停 ${Date.now()}` });
    await api.act(other.id, 'accept', {}, mediator);
    await api.act(other.id, 'suspend', { reason: '等待当事人出院' }, mediator);
    const paused = (await page(cookie, `/console/cases/${other.id}`)).body;
    const light = /<span class="sla sla-paused"[^>]*>([\s\S]*?)<\/span><\/span>/.exec(paused)?.[1] ?? '';
    expect(light.replace(/<[^>]+>/g, '').trim()).toBe('暂停中');
    expect(paused.match(/暂停中/g)!.length).toBeLessThanOrEqual(2); // the light and the deadline table
    // A closed case keeps its documents listed, each answering: the referral notice and the frozen file too.
    const closed = await api.create({ ...taoliLiftNoise(), title: `控制台结案文书 ${Date.now()}` });
    await api.act(closed.id, 'accept', {}, mediator);
    await api.act(closed.id, 'fail', { reason: '双方分歧较大', referral: '向人民法院起诉' }, mediator);
    expect((await api.get(closed.id)).stage).toBe('closed');
    const closedDocs = section((await page(cookie, `/console/cases/${closed.id}`)).body, 'h-documents');
    for (const name of ['纠纷受理登记表', '人民调解记录', '调解终结告知书', '人民调解卷宗'])
      expect(closedDocs).toContain(name);
    expect(closedDocs).not.toContain('结案前预览');
    const hrefs = [...closedDocs.matchAll(/class="button print" href="([^"]+)"/g)].map((m) => unescape(m[1]!));
    const answers = await Promise.all(
      hrefs.map(async (h) => `${(await page(cookie, h)).statusCode} ${h.replace(/.*documents\//, '')}`),
    );
    console.log('closed case documents:', answers.join(' | '));
    expect(answers.every((a) => a.startsWith('200 '))).toBe(true);
    // The English console renders the same page in English.
    const en = await page(`${cookie}; fq_lang=en`, `/console/cases/${other.id}`);
    expect(en.statusCode).toBe(200);
    expect(en.body).toContain('Documents');
    expect(en.body).toContain('Print');
  });
});
