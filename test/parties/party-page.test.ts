/**
 * The parties' page on the real system (issue 22 item 3): login by case number + phone with a code
 * sent to the phone on file, a notice's link, the stage in plain words and the meeting, others' data
 * masked, evidence upload, withdrawal of one's own application, and the follow-up rating that the
 * Safety Index scores.
 */
import { withdrawUpdate, workflowIdFor } from '../../workflows/dispute.messages';
import { computeSafetyIndex } from '../../activities/safety-index';
import { chinaDate, periodOf } from '../../domain/safety-index';
import { linkFor } from '../../parties/links';
import { apiOf, type Headers } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';
import { PNG, PhoneBrowser, field, textOf } from './page';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;
const sent: Array<{ phone: string; text: string; key: string }> = [];

const OTHER_PHONE = '13912345678';
const OTHER_ID = '430702198001011234';
const twoPeople = () => ({
  ...taoliLiftNoise(),
  parties: [
    { ...taoliLiftNoise().parties[0], idNumber: '430702197801015678' },
    {
      name: '王某',
      role: 'respondent',
      kind: 'person',
      age: 40,
      phone: OTHER_PHONE,
      idNumber: OTHER_ID,
      address: '常德市武陵区渔父祠社区桃李小区5栋2单元501室',
    },
  ],
});

beforeAll(async () => {
  sys = await startSystem({ sendCode: async (req) => void sent.push(req) });
  api = apiOf(sys);
  mediator = await api.as('mediator@yufuci-community');
});
afterAll(() => sys?.close());

/** Signs party `index` in through a notice's link. */
async function byLink(id: string, index: number): Promise<PhoneBrowser> {
  const phone = new PhoneBrowser(sys);
  const { token } = await linkFor(sys.orm.em.fork(), 'http://127.0.0.1', {
    disputeId: id,
    partyIndex: index,
    purpose: 'case',
  });
  const res = await phone.get(`/p/${token}`);
  expect(res.statusCode).toBe(303);
  expect(res.headers.location).toBe('/p/case');
  const cookie = String(res.headers['set-cookie']);
  expect(cookie).toMatch(/fq_party=.*HttpOnly; SameSite=Lax/);
  return phone;
}

async function page(phone: PhoneBrowser): Promise<string> {
  const res = await phone.get('/p/case');
  expect(res.statusCode).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  return res.body;
}

describe('reaching the page', () => {
  it('by case number and the phone on file, with a one-time code sent to that phone', async () => {
    const c = await api.create(taoliLiftNoise());
    const phone = new PhoneBrowser(sys);
    const login = await phone.get('/p/login');
    expect(login.statusCode).toBe(200);
    const before = sent.length;
    const asked = await phone.post('/p/login', {
      _csrf: field(login.body, '_csrf'),
      caseNumber: c.caseNumber,
      phone: '138 0000 1111',
    });
    expect(asked.statusCode).toBe(200);
    expect(sent.length).toBe(before + 1);
    const sms = sent[sent.length - 1]!;
    expect(sms.phone).toBe('13800001111');
    const code = /验证码(\d{6})，5分钟内有效。请勿告诉他人。/.exec(sms.text)?.[1];
    expect(sms.text).toBe(`【枫桥调解】验证码${code}，5分钟内有效。请勿告诉他人。`);
    // A wrong code: the same neutral words, no session.
    const wrong = await phone.post('/p/login/verify', {
      _csrf: field(asked.body, '_csrf'),
      caseNumber: c.caseNumber,
      phone: '13800001111',
      code: code === '000000' ? '111111' : '000000',
    });
    expect(wrong.statusCode).toBe(400);
    expect(phone.cookie('fq_party')).toBeUndefined();
    const ok = await phone.post('/p/login/verify', {
      _csrf: field(wrong.body, '_csrf'),
      caseNumber: c.caseNumber,
      phone: '13800001111',
      code: code!,
    });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/p/case');
    const html = await page(phone);
    expect(textOf(html)).toContain('当前进度： 已登记，等待调解委员会受理');
    expect(textOf(html)).toContain('受理期限');
    // The code is used up.
    const again = await phone.post('/p/login/verify', {
      _csrf: field(wrong.body, '_csrf'),
      caseNumber: c.caseNumber,
      phone: '13800001111',
      code: code!,
    });
    expect(again.statusCode).toBe(400);
  });

  it('never says whether a case or a phone exists, and sends nothing then', async () => {
    const c = await api.create(taoliLiftNoise());
    const phone = new PhoneBrowser(sys);
    const login = await phone.get('/p/login');
    const before = sent.length;
    const answers: Array<[number, string]> = [];
    for (const [caseNumber, number] of [
      [c.caseNumber, '13999999999'],
      ['常武陵渔调字〔2026〕第99999号', '13800001111'],
    ]) {
      const res = await phone.post('/p/login', { _csrf: field(login.body, '_csrf'), caseNumber, phone: number });
      answers.push([res.statusCode, textOf(res.body).replace(/value="[^"]*"/g, '')]);
    }
    expect(sent.length).toBe(before);
    expect(answers[0]![0]).toBe(200);
    expect(answers[0]![1].replace(c.caseNumber, '').replace('13999999999', '')).toBe(
      answers[1]![1].replace('常武陵渔调字〔2026〕第99999号', '').replace('13800001111', ''),
    );
  });

  it('limits code requests per case, whatever the address', async () => {
    const c = await api.create(taoliLiftNoise());
    const statuses = [];
    for (let i = 0; i < 11; i++) {
      const phone = new PhoneBrowser(sys);
      const login = await phone.get('/p/login');
      statuses.push(
        (
          await phone.post('/p/login', {
            _csrf: field(login.body, '_csrf'),
            caseNumber: c.caseNumber,
            phone: '13900000000',
          })
        ).statusCode,
      );
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(statuses[10]).toBe(429);
    // Counted per phone typed: the wrong phones sprayed at the case do not lock its party out.
    const party = new PhoneBrowser(sys);
    const login = await party.get('/p/login');
    const own = await party.post('/p/login', {
      _csrf: field(login.body, '_csrf'),
      caseNumber: c.caseNumber,
      phone: '13800001111',
    });
    expect(own.statusCode).toBe(200);
  });

  it('refuses a login form without its CSRF token', async () => {
    const phone = new PhoneBrowser(sys);
    const res = await phone.post('/p/login', { caseNumber: 'x', phone: '13800001111' });
    expect(res.statusCode).toBe(403);
  });

  it('by a link from a notice; a changed link opens nothing', async () => {
    const c = await api.create(taoliLiftNoise());
    const phone = await byLink(c.id, 0);
    expect(textOf(await page(phone))).toContain(c.caseNumber);
    const { token } = await linkFor(sys.orm.em.fork(), 'http://127.0.0.1', {
      disputeId: c.id,
      partyIndex: 0,
      purpose: 'case',
    });
    const stranger = new PhoneBrowser(sys);
    const bad = await stranger.get(`/p/${token.slice(0, -2)}xx`);
    expect(bad.statusCode).toBe(404);
    expect(stranger.cookie('fq_party')).toBeUndefined();
    expect((await stranger.get('/p/case')).headers.location).toBe('/p/login');
  });
});

describe('the page', () => {
  it('shows the stage in plain words, the meeting in Beijing time, and never another party’s phone or ID', async () => {
    const c = await api.create(twoPeople());
    await api.act(c.id, 'accept', {}, mediator);
    await api.consentAll(c.id, mediator);
    await api.act(
      c.id,
      'schedule-meeting',
      { at: '2099-01-05T02:00:00Z', place: '渔父祠社区调委会调解室', agencies: ['safety-station'] },
      mediator,
    );
    const html = await page(await byLink(c.id, 0));
    const text = textOf(html);
    expect(text).toContain('当前进度： 已安排调解会');
    expect(text).toContain('2099年1月5日 10:00');
    expect(text).toContain('渔父祠社区调委会调解室');
    expect(text).toContain('王某');
    expect(text).toContain('139****5678');
    expect(html).not.toContain(OTHER_PHONE);
    expect(html).not.toContain(OTHER_ID);
    expect(html).not.toContain('5栋2单元501室');
    // Nor in a document meant for the party.
    const docs = [...html.matchAll(/href="\/p\/case\/documents\/([a-z-]+)"/g)].map((m) => m[1]);
    expect(docs).toEqual(expect.arrayContaining(['intake', 'rights-notice', 'summons']));
    const phone = await byLink(c.id, 0);
    for (const kind of docs) {
      const doc = await phone.get(`/p/case/documents/${kind}`);
      expect([kind, doc.statusCode]).toEqual([kind, 200]);
      expect(doc.body).not.toContain(OTHER_PHONE);
      expect(doc.body).not.toContain(OTHER_ID);
    }
    expect((await phone.get('/p/case/documents/case-file')).statusCode).toBe(404);
  });

  it('takes a party’s evidence, listed on the page and in the case', async () => {
    const c = await api.create(taoliLiftNoise());
    const phone = await byLink(c.id, 0);
    const html = await page(phone);
    const up = await phone.postMultipart('/p/case/evidence', { _csrf: field(html, '_csrf'), case: c.id }, [
      { field: 'file', name: '电梯.png', type: 'image/png', body: PNG },
    ]);
    expect(up.statusCode).toBe(303);
    expect(textOf(await page(phone))).toContain('电梯.png');
    const events = await api.events(c.id);
    const added = events.find((e) => e.type === 'evidence_added');
    expect(added?.payload).toMatchObject({ source: 'party' });
    // Without the CSRF token: refused, nothing stored.
    const forged = await phone.postMultipart('/p/case/evidence', { case: c.id }, [
      { field: 'file', name: 'x.png', type: 'image/png', body: PNG },
    ]);
    expect(forged.statusCode).toBe(403);
    expect((await api.events(c.id)).filter((e) => e.type === 'evidence_added')).toHaveLength(1);
  });

  it('lets a party withdraw its own application: the case closes withdrawn', async () => {
    const c = await api.create(taoliLiftNoise());
    const phone = await byLink(c.id, 0);
    const html = await page(phone);
    const res = await phone.post('/p/case/withdraw', {
      _csrf: field(html, '_csrf'),
      case: c.id,
      reason: '双方已自行和解',
      confirm: 'yes',
    });
    expect(res.statusCode).toBe(303);
    const after = await api.get(c.id);
    expect([after.stage, after.outcome]).toEqual(['closed', 'withdrawn']);
    expect(after.withdrawal).toMatchObject({ party: 0 });
    const withdrawn = (await sys.app.inject({ url: `/api/v1/disputes/${c.id}/events`, headers: mediator }))
      .json()
      .items.find((e: { type: string }) => e.type === 'withdrawn');
    expect(withdrawn.actor).toMatchObject({ type: 'party', role: 'party', id: `party:${c.id}:0` });
    expect(textOf(await page(phone))).toContain('已撤回，已结案');
  });

  it('answers 404 for another case, and the workflow refuses withdrawing for another party', async () => {
    const mine = await api.create(taoliLiftNoise());
    const other = await api.create(taoliLiftNoise());
    const phone = await byLink(mine.id, 0);
    const html = await page(phone);
    const res = await phone.post('/p/case/withdraw', {
      _csrf: field(html, '_csrf'),
      case: other.id,
      reason: '撤回',
      confirm: 'yes',
    });
    expect(res.statusCode).toBe(404);
    expect((await api.get(other.id)).stage).toBe('awaiting_acceptance');
    // Party 0 of `mine` asking to withdraw for party 1: refused by the workflow itself.
    const actor = {
      type: 'party' as const,
      role: 'party' as const,
      id: `party:${mine.id}:0`,
      name: '陈某',
      partyIndex: 0,
    };
    const handle = sys.client.workflow.getHandle(workflowIdFor(mine.id));
    await expect(
      handle.executeUpdate(withdrawUpdate, { args: [{ actor, payload: { reason: '替对方撤回', party: 1 } }] }),
    ).rejects.toThrow(/withdraw only for itself|Update failed|forbidden/i);
    expect((await api.get(mine.id)).stage).toBe('awaiting_acceptance');
  });

  it('takes one satisfaction rating per party in the follow-up, which the Safety Index scores', async () => {
    const c = await api.create(taoliLiftNoise());
    await api.act(c.id, 'accept', {}, mediator);
    await api.consentAll(c.id, mediator);
    await api.act(c.id, 'resolve', agreedTerms(), mediator);
    for (const signer of ['party:0', 'party:1', 'mediator'])
      await api.act(c.id, 'sign', { signer, method: 'signature' }, mediator);
    await api.act(c.id, 'seal', {}, mediator);
    expect((await api.get(c.id)).stage).toBe('follow_up');
    const phone = await byLink(c.id, 0);
    const html = await page(phone);
    expect(textOf(html)).toContain('调解协议已生效，回访中');
    expect(html).toContain('href="/p/case/documents/agreement"');
    // Staff cannot rate for a party: there is no such signal.
    expect((await api.tryAct(c.id, 'rate-satisfaction', { rating: 5 }, mediator)).statusCode).toBe(404);
    const bad = await phone.post('/p/case/rate', { _csrf: field(html, '_csrf'), case: c.id, rating: '9' });
    expect(bad.statusCode).toBe(400);
    const res = await phone.post('/p/case/rate', {
      _csrf: field(html, '_csrf'),
      case: c.id,
      rating: '4',
      comment: '调解员很耐心',
    });
    expect(res.statusCode).toBe(303);
    const again = await phone.post('/p/case/rate', { _csrf: field(html, '_csrf'), case: c.id, rating: '1' });
    expect(again.statusCode).toBe(409);
    expect(textOf(await page(phone))).toContain('您的评价： 4 满意');
    const rated = (await api.events(c.id)).filter((e) => e.type === 'satisfaction_rated');
    expect(rated.map((e) => e.payload)).toEqual([{ party: 0, rating: 4, comment: '调解员很耐心' }]);
    expect((await api.get(c.id, mediator)).satisfaction).toEqual([expect.objectContaining({ party: 0, rating: 4 })]);
    // The visit closes the case; the day's Safety Index of its grid scores the party's own rating.
    await api.act(
      c.id,
      'record-follow-up',
      { method: 'home', met: ['陈某'], performed: true, satisfaction: 2 },
      mediator,
    );
    // The case file (卷宗) keeps the party's own rating apart from the mediator's record of the visit.
    const file = await sys.app.inject({ url: `/api/v1/disputes/${c.id}/documents/case-file`, headers: mediator });
    expect(file.statusCode).toBe(200);
    expect(textOf(file.body)).toContain('当事人自评满意度');
    expect(textOf(file.body)).toMatch(/4 \/ 5.{0,3}调解员很耐心/);
    const date = chinaDate(new Date());
    await computeSafetyIndex(sys.orm.em.fork(), { periodKind: 'day', date });
    const ratings = await sys.orm.em.fork().execute<Array<{ r: number }>>(
      `select (r->>'rating')::int as r from disputes d, jsonb_array_elements(d.state->'satisfaction') r
        where d.origin_path like '%/yufuci-taoli/' and d.closed_at >= ? and d.closed_at < ?`,
      [`${periodOf('day', date).start}T00:00:00+08:00`, `${periodOf('day', date).end}T00:00:00+08:00`],
    );
    expect(ratings.map((x) => x.r)).toContain(4);
    const [snap] = await sys.orm.em
      .fork()
      .execute<Array<{ metrics: Record<string, number | null> }>>(
        `select metrics from safety_index_snapshots where unit_code = 'yufuci-taoli' and period_kind = 'day' and period_start = ?`,
        [periodOf('day', date).start],
      );
    const average = Math.round((ratings.reduce((s, x) => s + x.r, 0) / ratings.length) * 100) / 100;
    expect(snap?.metrics.satisfaction).toBeCloseTo(average, 2);
    // The mediator's visit rating (2) is shown apart, not scored as the parties' own.
    expect(snap?.metrics.staffSatisfaction).not.toBeNull();
  });
});
