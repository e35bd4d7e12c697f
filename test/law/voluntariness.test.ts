/**
 * Voluntariness on the record (issue 21, item 3), through the API on the real workflow:
 * - the case's source (人民调解法 Art. 17–18) on the intake register and the record;
 * - no meeting and no agreement before each party's consent (Art. 17; the applicant of a case on
 *   application consents by applying) and the rights-and-obligations notice (Art. 23–24; 2002 规定
 *   Art. 30) are on record; a party's clear refusal stops mediation (Art. 17);
 * - no joint meeting (inviting agencies) before every party agreed to inviting others (Art. 20);
 * - mediators chosen or accepted, recusal, public or private (Art. 19, 23) printed on the record;
 * - the refusal to accept (不予受理, 2002 规定 Art. 22, 24) with its grounds and notice, by the unit
 *   the ticket is addressed to.
 */
import { apiOf, type Headers } from '../helpers/api';
import { consoleLogin } from '../helpers/console';
import { recordHistory } from '../helpers/histories';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { TEST_PASSWORD } from '../helpers/run-state';
import { agreedTerms, hallwayClutter, wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  mediator = await api.as('mediator@yufuci-community');
});
afterAll(() => sys?.close());

const doc = async (id: string, kind: string, headers: Headers, lang = 'zh-CN') => {
  const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}?lang=${lang}`, headers });
  expect(res.statusCode).toBe(200);
  return res.body;
};
/** The text a person reads of a document (tags dropped). */
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

// The fixture's terms carry their manner and time limit of performance (issue 21 item 4, helper 4).
const terms = () => agreedTerms();

async function accepted(body: object = hallwayClutter()) {
  const created = await api.create(body);
  await api.act(created.id, 'accept', {}, mediator);
  return created.id as string;
}

async function refusal(id: string, action: string, payload: object, headers = mediator) {
  const res = await api.tryAct(id, action, payload, headers);
  expect(res.statusCode).toBe(422);
  return res.json().detail as string;
}

describe('the source of a case (人民调解法 Art. 17–18)', () => {
  it('defaults to a party application and prints it on the intake register', async () => {
    const created = await api.create(hallwayClutter());
    expect(created.source).toBe('party_application');
    expect(text(await doc(created.id, 'intake', mediator))).toContain('案件来源 当事人申请');
    expect(text(await doc(created.id, 'intake', mediator, 'en'))).toContain('Case source on application by a party');
  });

  it('records a court referral or the committee’s own initiative, and refuses an unknown source', async () => {
    const court = await api.create({ ...hallwayClutter(), source: 'court_referred' });
    expect(court.source).toBe('court_referred');
    expect(text(await doc(court.id, 'intake', mediator))).toContain('案件来源 人民法院委派（委托）调解');
    const own = await api.create({ ...hallwayClutter(), source: 'ex_officio' });
    expect(text(await doc(own.id, 'record', mediator))).toContain('案件来源：人民调解委员会主动调解');
    const bad = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/disputes',
      headers: api.integrator,
      payload: { ...hallwayClutter(), source: 'rumour' },
    });
    expect(bad.statusCode).toBe(400);
  });
});

describe("the parties' consent and the rights notice (Art. 17, 23–24; 2002 规定 Art. 23, 30)", () => {
  it("refuses an agreement until the respondent's consent and every party's rights notice are on record", async () => {
    const id = await accepted();
    // On application: 孙某 applied (their consent), 李某 has not consented yet.
    const noConsent = await refusal(id, 'resolve', terms());
    expect(noConsent).toContain('人民调解法第十七条');
    expect(noConsent).toContain('李某');
    expect(noConsent).not.toContain('孙某');
    expect(noConsent).toContain("People's Mediation Law Art. 17");

    await api.act(id, 'record-consent', { party: 1, consented: true, manner: 'oral' }, mediator);
    const noNotice = await refusal(id, 'resolve', terms());
    expect(noNotice).toContain('《人民调解工作若干规定》第三十条');
    expect(noNotice).toContain('孙某、李某');

    await api.act(
      id,
      'record-consent',
      { party: 0, consented: true, manner: 'by_application', rightsNotice: 'written' },
      mediator,
    );
    await api.act(id, 'record-consent', { party: 1, consented: true, manner: 'oral', rightsNotice: 'oral' }, mediator);
    const drafted = await api.act(id, 'resolve', terms(), mediator);
    expect(drafted.stage).toBe('awaiting_signatures');
    expect(drafted.consents).toHaveLength(3);
    await recordHistory(sys.temporalAddress, workflowIdFor(id), 'law-consent-before-agreement');
  });

  it('on the committee’s own initiative, the applicant too must consent, and not "by application"', async () => {
    const created = await api.create({ ...hallwayClutter(), source: 'ex_officio' });
    await api.act(created.id, 'accept', {}, mediator);
    const byApplication = await refusal(created.id, 'record-consent', {
      party: 0,
      consented: true,
      manner: 'by_application',
    });
    expect(byApplication).toContain('当事人申请即视为同意');
    expect(byApplication).toContain('人民调解法第十七条');
    await api.act(
      created.id,
      'record-consent',
      { party: 1, consented: true, manner: 'written', rightsNotice: 'written' },
      mediator,
    );
    const missing = await refusal(created.id, 'resolve', terms());
    expect(missing).toContain('尚未记录孙某同意调解');
  });

  it('stops mediation once a party clearly refuses, and goes on when they consent after all', async () => {
    const id = await accepted();
    await api.consentAll(id, mediator);
    await api.act(
      id,
      'record-consent',
      { party: 1, consented: false, manner: 'oral', note: '李某表示不愿调解' },
      mediator,
    );
    const refused = await refusal(id, 'resolve', terms());
    expect(refused).toContain('当事人一方明确拒绝调解的，不得调解（人民调解法第十七条）');
    expect(refused).toContain('李某');
    const meeting = await refusal(id, 'schedule-meeting', {
      at: '2099-01-01T02:00:00Z',
      place: '社区调解室',
      agencies: ['safety-station'],
    });
    expect(meeting).toContain('人民调解法第十七条');
    // The record says who refused, how and when, in Beijing time.
    const record = text(await doc(id, 'record', mediator));
    expect(record).toMatch(/被申请人：李某 明确拒绝调解（口头拒绝）（\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}，记录人：/);
    expect(record).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    await api.act(id, 'record-consent', { party: 1, consented: true, manner: 'written' }, mediator);
    expect((await api.act(id, 'resolve', terms(), mediator)).stage).toBe('awaiting_signatures');
  });

  it('refuses an agreed meeting outcome while a party refuses (recorded at the meeting)', async () => {
    const id = await accepted();
    await api.consentAll(id, mediator);
    const soon = new Date(Date.now() + 3000).toISOString();
    await api.act(id, 'schedule-meeting', { at: soon, place: '社区调解室', agencies: ['safety-station'] }, mediator);
    await api.act(id, 'record-consent', { party: 0, consented: false, manner: 'oral' }, mediator);
    // Once the meeting has started (an outcome is refused before that), the refusal still stops an agreement.
    const detail = await eventually(async () => {
      const res = await api.tryAct(id, 'record-outcome', { result: 'agreed', ...terms() }, mediator);
      expect(res.statusCode).toBe(422);
      const d = res.json().detail as string;
      return d.includes('人民调解法第十七条') ? d : undefined;
    }, 15_000);
    expect(detail).toContain('当事人一方明确拒绝调解的，不得调解');
  });

  it('prints the rights notice with every right and obligation, and each party’s acknowledgment', async () => {
    const id = await accepted();
    const blank = text(await doc(id, 'rights-notice', mediator));
    for (const words of [
      '人民调解权利义务告知书',
      '选择或者接受人民调解员',
      '接受调解、拒绝调解或者要求终止调解',
      '要求调解公开进行或者不公开进行',
      '自主表达意愿、自愿达成调解协议',
      '如实陈述纠纷事实',
      '遵守调解现场秩序，尊重人民调解员',
      '尊重对方当事人行使权利',
      '申请其回避',
      '第三十三条',
    ]) {
      expect(blank).toContain(words);
    }
    expect(blank).toContain('签名：________________');
    await api.act(
      id,
      'record-consent',
      { party: 0, consented: true, manner: 'by_application', rightsNotice: 'written' },
      mediator,
    );
    const signed = text(await doc(id, 'rights-notice', mediator));
    expect(signed).toMatch(/申请人：孙某 书面送达并签收，\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(signed).toMatch(/被申请人：李某 签名：________________/);
    const en = text(await doc(id, 'rights-notice', mediator, 'en'));
    expect(en).toContain('to choose or accept the people');
    expect(en).toContain('The Chinese original prevails');
  });
});

describe('mediators, recusal, public or private, and inviting others (Art. 19, 20, 23)', () => {
  it("refuses a joint meeting until every party agreed to inviting others, and prints the parties' terms", async () => {
    const id = await accepted();
    await api.act(
      id,
      'record-consent',
      {
        party: 0,
        consented: true,
        manner: 'by_application',
        rightsNotice: 'written',
        inviteOthers: true,
        mediatorChoice: 'chosen',
        mediators: '王调解员',
        publicity: 'public',
      },
      mediator,
    );
    await api.act(
      id,
      'record-consent',
      {
        party: 1,
        consented: true,
        manner: 'written',
        rightsNotice: 'written',
        mediatorChoice: 'accepted',
        recusal: '申请调解员赵某回避：系申请人亲属',
        publicity: 'private',
      },
      mediator,
    );
    const meeting = { at: '2099-01-01T02:00:00Z', place: '社区调解室', agencies: ['safety-station'] };
    const art20 = await refusal(id, 'schedule-meeting', meeting);
    expect(art20).toContain('人民调解法第二十条');
    expect(art20).toContain('李某');
    expect(art20).not.toContain('孙某');
    // Without a meeting, the parties may still settle (nobody else is invited).
    const record = text(await doc(id, 'record', mediator));
    expect(record).toContain('调解方式：不公开进行');
    expect(record).toContain('选择调解员：王调解员');
    expect(record).toContain('接受调委会指定的调解员');
    expect(record).toContain('申请回避：申请调解员赵某回避：系申请人亲属');
    expect(record).toContain('要求不公开进行');
    await api.act(id, 'record-consent', { party: 1, consented: true, manner: 'written', inviteOthers: true }, mediator);
    expect((await api.act(id, 'schedule-meeting', meeting, mediator)).stage).toBe('meeting_scheduled');
    // A later record of one field keeps the others: 李某 still asks for private mediation.
    expect(text(await doc(id, 'record', mediator))).toContain('调解方式：不公开进行');
  });
});

describe('the refusal to accept (不予受理, 2002 规定 Art. 22, 24)', () => {
  it('closes the case not_accepted with a notice of the grounds and where to turn', async () => {
    const created = await api.create(hallwayClutter());
    const res = await api.act(
      created.id,
      'refuse',
      {
        grounds: ['handled_elsewhere'],
        reason: '双方已就该纠纷向武陵区人民法院起诉，法院已立案',
        referral: '由武陵区人民法院依法审理',
      },
      mediator,
    );
    expect(res).toMatchObject({ stage: 'closed', outcome: 'not_accepted', allowedActions: [] });
    expect(res.refusal).toMatchObject({ grounds: ['handled_elsewhere'] });
    expect((await api.events(created.id, mediator)).map((e) => e.type)).toContain('not_accepted');
    const notice = text(await doc(created.id, 'refusal-notice', mediator));
    expect(notice).toContain('不予受理告知书');
    expect(notice).toContain('申请人孙某、被申请人李某');
    expect(notice).toContain(
      '纠纷已经人民法院、仲裁机构、公安机关或者其他行政机关受理或者解决（《人民调解工作若干规定》第二十二条第二项）',
    );
    expect(notice).toContain('双方已就该纠纷向武陵区人民法院起诉');
    expect(notice).toContain('决定不予受理');
    expect(notice).toContain('依法通过仲裁、行政、司法等途径维护自己的权利');
    expect(notice).toContain('本委员会建议：由武陵区人民法院依法审理');
    expect(notice).toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(text(await doc(created.id, 'refusal-notice', mediator, 'en'))).toContain(
      'does not accept the dispute for mediation',
    );
  });

  it("refuses on a party's refusal only once that refusal is on record", async () => {
    const created = await api.create(hallwayClutter());
    const body = { grounds: ['party_refuses'], reason: '李某明确表示不接受调解' };
    const first = await refusal(created.id, 'refuse', body);
    expect(first).toContain('须先记录该当事人明确拒绝调解');
    await api.act(created.id, 'record-consent', { party: 1, consented: false, manner: 'written' }, mediator);
    const res = await api.act(created.id, 'refuse', body, mediator);
    expect(res.outcome).toBe('not_accepted');
    await recordHistory(sys.temporalAddress, workflowIdFor(created.id), 'law-consent-refused-not-accepted');
    expect(text(await doc(created.id, 'refusal-notice', mediator))).toContain(
      '当事人一方明确拒绝调解（《中华人民共和国人民调解法》第十七条）',
    );
  });

  it('is for the unit the ticket is addressed to, before acceptance only', async () => {
    const created = await api.create(wangjiaqiaoMaintenanceFund());
    const body = { grounds: ['not_civil_dispute'], reason: '属行政管理事项' };
    const street = await api.as('mediator@wangjiaqiao-street');
    expect((await api.tryAct(created.id, 'refuse', body, street)).statusCode).toBe(403);
    const community = await api.as('mediator@wangjiaqiao-community');
    await api.act(created.id, 'accept', {}, community);
    const late = await api.tryAct(created.id, 'refuse', body, community);
    expect(late.statusCode).toBe(409);
    // The notice exists only for a refused case.
    expect(
      (await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/refusal-notice`, headers: community }))
        .statusCode,
    ).toBe(404);
  });
});

describe('the console forms', () => {
  const post = (cookie: string, url: string, fields: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) body.append(k, one);
    return sys.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  };
  const csrfOf = (html: string): string => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';

  it("records a party's will and refuses a ticket from the case page, in Chinese first", async () => {
    const created = await api.create(hallwayClutter());
    const login = await consoleLogin(sys.app, {
      username: 'mediator@yufuci-community',
      password: TEST_PASSWORD,
      next: '/console',
    });
    const cookie = String([login.headers['set-cookie']].flat().find((c) => c?.startsWith('fq_session='))).split(
      ';',
    )[0]!;
    const casePage = (await sys.app.inject({ url: `/console/cases/${created.id}`, headers: { cookie } })).body;
    for (const words of [
      '记录当事人意愿（同意调解、权利义务告知）',
      '不予受理',
      '当事人申请即视为同意',
      '不属于民间纠纷',
    ])
      expect(casePage).toContain(words);
    // Each party's will as it stands: what is still to be recorded.
    expect(casePage).toContain('李某</strong>（被申请人） · 未记录同意调解；未告知权利义务');
    expect(casePage).toContain('孙某</strong>（申请人） · 当事人申请即视为同意；未告知权利义务');
    const csrf = csrfOf(casePage);
    const consent = await post(cookie, `/console/cases/${created.id}/actions/record-consent`, {
      _csrf: csrf,
      _idem: `consent-${created.id}`,
      party: '1',
      consented: 'no',
      manner: 'written',
      rightsNotice: 'written',
      note: '李某书面表示不接受调解',
    });
    expect(consent.statusCode).toBe(303);
    expect((await api.get(created.id, mediator)).consents).toEqual([
      expect.objectContaining({ party: 1, consented: false, manner: 'written', rightsNotice: 'written' }),
    ]);
    const refused = await post(cookie, `/console/cases/${created.id}/actions/refuse`, {
      _csrf: csrf,
      _idem: `refuse-${created.id}`,
      grounds: ['party_refuses'],
      reason: '被申请人书面拒绝调解',
      referral: '可以向武陵区人民法院起诉',
    });
    expect(refused.statusCode).toBe(303);
    expect(await api.get(created.id, mediator)).toMatchObject({ stage: 'closed', outcome: 'not_accepted' });
    const after = (await sys.app.inject({ url: `/console/cases/${created.id}`, headers: { cookie } })).body;
    expect(after).toContain('不予受理告知书');
    expect(after).toContain('李某</strong>（被申请人） · 明确拒绝调解（书面拒绝）；权利义务已告知（书面送达并签收）');
  });
});
