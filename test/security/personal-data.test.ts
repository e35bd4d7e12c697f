/**
 * Least privilege for personal data (issue 20, item 4). A case with real-looking phone and identity
 * numbers goes all the way to a sealed agreement and a follow-up; then each reader asks for it the
 * way they would: the case, the list, the history and every document. Only the staff holding the
 * case get the numbers in full; agency representatives and integrators never do; an area grant and a
 * public copy show masked data only; the sealed original stays byte for byte what was sealed.
 */
import { AgreementRecord } from '../../db/entities';
import { canonicalAgreement } from '../../activities/agreements';
import { sha256Hex } from '../../security/credentials';
import { apiOf, type Headers } from '../helpers/api';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { agreedTerms } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let holder: Headers;
let rep: Headers;
let area: Headers;
let caseId: string;
let agreement: { number: string; sha256: string };

/** The parties' real numbers and what identifies them: none may reach a reader without full access. */
const PHONE = '13800001111';
const PHONE_SPACED = '+86 139 0736 0001';
const ID = '43070219800101123X';
const ID_OTHER = '430702197506154321';
const SECRETS = [PHONE, PHONE_SPACED, '13907360001', '8613907360001', ID, ID_OTHER, '19800101', '19750615'];

const report = () => ({
  gridCode: 'yufuci-taoli',
  category: 'noise',
  title: '小吃店货梯噪音扰民',
  description: `陈小红反映楼下小吃店货梯夜间噪音很大，联系电话${PHONE}，身份证${ID}。`,
  parties: [
    {
      name: '陈小红',
      role: 'applicant',
      sex: 'female',
      age: 46,
      phone: PHONE,
      idNumber: ID,
      address: '常德市武陵区渔父祠社区桃李小区3栋2单元501室',
    },
    {
      name: '常德市某小吃店',
      role: 'respondent',
      kind: 'organisation',
      representative: '王大明',
      phone: PHONE_SPACED,
    },
    { name: '李建国', role: 'third_party', idNumber: ID_OTHER, phone: '0736-7654321' },
  ],
  channel: 'grid-patrol',
});

const KINDS = ['agreement', 'intake', 'summons', 'record', 'follow-up', 'judicial-confirmation', 'certificate'];
const doc = (kind: string, headers: Headers, query = '') =>
  sys.app.inject({ url: `/api/v1/disputes/${caseId}/documents/${kind}${query}`, headers });

/** Everything a reader can get about the case, by what it is. */
async function everything(headers: Headers): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const get = async (url: string) => {
    const res = await sys.app.inject({ url, headers });
    expect([url, res.statusCode]).toEqual([url, 200]);
    return res.body;
  };
  out.case = await get(`/api/v1/disputes/${caseId}`);
  // This case's row of the list: other files' cases share the database (an organisation's 送达地址
  // in one of them is no personal data of this case's parties).
  const list = JSON.parse(await get('/api/v1/disputes?limit=100')) as { items: Array<{ id: string }> };
  const row = list.items.find((item) => item.id === caseId);
  expect(row).toBeDefined();
  out.list = JSON.stringify(row);
  out.events = await get(`/api/v1/disputes/${caseId}/events`);
  for (const kind of KINDS) out[kind] = await get(`/api/v1/disputes/${caseId}/documents/${kind}`);
  return out;
}

/** The names of what holds one of the secrets, with the secret. */
const leaks = (texts: Record<string, string>, secrets = SECRETS) =>
  Object.entries(texts).flatMap(([what, text]) => secrets.filter((s) => text.includes(s)).map((s) => `${what}: ${s}`));

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  holder = await api.as('mediator@yufuci-community');
  rep = await api.as('rep@safety-station');
  const admin = await api.as('admin');
  const court = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: '武陵区法院', areaCode: 'wuling' },
    }),
    201,
  );
  area = { authorization: `Bearer ${court.key}` };

  const created = await api.create(report());
  caseId = created.id;
  await api.act(caseId, 'accept', {}, holder);
  await api.consentAll(caseId, holder); // 人民调解法 Art. 17, 20, 23–24
  await api.act(
    caseId,
    'add-note',
    { text: `已电话联系李建国（0736-7654321），陈小红备用电话${PHONE_SPACED}` },
    holder,
  );
  const meetingAt = meetingSoon();
  await api.act(
    caseId,
    'schedule-meeting',
    {
      at: meetingAt,
      place: '渔父祠社区会议室',
      agencies: ['safety-station'],
      agenda: '货梯噪音整改',
    },
    holder,
  );
  // An outcome is recorded once the meeting has started (issue 21 item 7).
  await untilMeetingStarts(meetingAt);
  await api.act(caseId, 'record-outcome', { result: 'agreed', ...agreedTerms() }, holder);
  for (const signer of ['party:0', 'party:1', 'party:2'])
    await api.act(caseId, 'sign', { signer, method: 'signature', witness: '网格员赵小兵' }, holder);
  await api.act(caseId, 'sign', { signer: 'mediator', method: 'signature' }, holder);
  const effective = await api.act(caseId, 'seal', {}, holder);
  agreement = effective.agreement;
  expect(agreement.number).toBeTruthy();
  await api.act(
    caseId,
    'record-follow-up',
    { method: 'home', met: ['当事人'], performed: true, satisfaction: 5, note: `回访${PHONE}` },
    holder,
  );
});
afterAll(() => sys?.close());

it('the unit holding the case sees the numbers in full: its work needs them', async () => {
  const texts = await everything(holder);
  expect(JSON.parse(texts.case!).parties[0]).toMatchObject({ phone: PHONE, idNumber: ID });
  expect(texts.intake).toContain(`身份证号：${ID}`);
  expect(texts.intake).not.toContain('副本（已脱敏）');
});

it('an agency representative gets what the meeting needs: names, masked phones, no identity numbers', async () => {
  const texts = await everything(rep);
  expect(leaks(texts)).toEqual([]);
  const c = JSON.parse(texts.case!);
  expect(c.parties[0]).toEqual({
    name: '陈小红',
    role: 'applicant',
    kind: 'person',
    phone: '138****1111',
    address: '常德市武陵区渔父祠社区***',
  });
  expect(c.parties[1]).toMatchObject({ name: '常德市某小吃店', representative: '王大明', phone: '+86 139 **** 0001' });
  for (const [what, text] of Object.entries(texts)) {
    expect([what, /身份证号|ID number|idNumber|430702/.test(text)]).toEqual([what, false]);
    expect([what, text.includes('桃李小区3栋')]).toEqual([what, false]);
  }
  for (const kind of KINDS) expect([kind, texts[kind]!.includes('副本（已脱敏）')]).toEqual([kind, true]);
  expect(texts.summons).toContain('渔父祠社区会议室');
});

it('the integrator that reported it sees what it reported, with phone and identity numbers masked', async () => {
  const texts = await everything(api.integrator);
  expect(leaks(texts)).toEqual([]);
  const c = JSON.parse(texts.case!);
  expect(c.parties[0]).toMatchObject({ name: '陈小红', phone: '138****1111', idNumber: '430702********123X' });
  expect(c.description).toContain('138****1111');
  expect(texts.intake).toContain('430702********123X');
  for (const kind of KINDS) expect([kind, texts[kind]!.includes('副本（已脱敏）')]).toEqual([kind, true]);
});

it('an integrator that sees the case through an area grant gets masked data only', async () => {
  const texts = await everything(area);
  expect(leaks(texts, [...SECRETS, '陈小红', '王大明', '李建国', '赵小兵', '3栋', '501室'])).toEqual([]);
  const c = JSON.parse(texts.case!);
  expect(c.parties[0]).toMatchObject({ name: '陈**', phone: '138****1111', idNumber: '430702********123X' });
  expect(c.parties[0]).not.toHaveProperty('age');
  expect(c.description).toContain('陈**反映');
  expect(texts.agreement).toContain('陈**');
  // Nor does a search by a party's name tell what the masked answer hides; the case number finds it.
  const search = async (q: string, headers: Headers) =>
    expectStatus(await sys.app.inject({ url: `/api/v1/disputes?q=${encodeURIComponent(q)}`, headers }), 200).items.map(
      (i: { id: string }) => i.id,
    );
  expect(await search('陈小红', area)).not.toContain(caseId);
  expect(await search(c.caseNumber, area)).toContain(caseId);
  expect(await search('陈小红', api.integrator)).toContain(caseId);
});

it('a public copy of the sealed agreement is masked; the original stays byte for byte as sealed, hash and all', async () => {
  const record = await sys.orm.em.fork().findOneOrFail(AgreementRecord, { number: agreement.number });
  const original = await doc('agreement', holder);
  expect(original.statusCode).toBe(200);
  expect(original.body).toBe(record.html);
  expect(sha256Hex(canonicalAgreement(record.number, original.body, record.signatures as unknown[]))).toBe(
    agreement.sha256,
  );
  expect(record.sha256).toBe(agreement.sha256);
  expect(original.body).toContain(PHONE);

  for (const lang of ['zh-CN', 'en']) {
    const copy = await doc('agreement', holder, `?copy=public&lang=${lang}`);
    expect(copy.statusCode).toBe(200);
    expect(leaks({ copy: copy.body }, [...SECRETS, '陈小红', '王大明', '李建国'])).toEqual([]);
    expect(copy.body).toContain(lang === 'en' ? 'Copy (personal data masked)' : '副本（已脱敏）');
    expect(copy.body).toContain(agreement.number);
    expect(copy.body).toContain(agreement.sha256);
  }
  for (const kind of KINDS) {
    const copy = await doc(kind, holder, '?copy=public');
    expect([kind, copy.statusCode, leaks({ [kind]: copy.body })]).toEqual([kind, 200, []]);
    expect([kind, copy.body.includes('副本（已脱敏）')]).toEqual([kind, true]);
  }
  // The copy is not the original: its bytes are not what the seal covers.
  const copy = (await doc('agreement', holder, '?copy=public')).body;
  expect(sha256Hex(canonicalAgreement(record.number, copy, record.signatures as unknown[]))).not.toBe(agreement.sha256);
  // Serving copies changed nothing stored.
  const again = await sys.orm.em.fork().findOneOrFail(AgreementRecord, { number: agreement.number });
  expect([again.html, again.sha256]).toEqual([record.html, record.sha256]);
});

describe('an area grant is read-only unless an admin grants actions', () => {
  const patchKey = async (id: string, payload: object) =>
    sys.app.inject({ method: 'PATCH', url: `/api/v1/admin/api-keys/${id}`, headers: await api.as('admin'), payload });

  it('refuses withdraw and notes on a case the key did not report (403), allows them once granted', async () => {
    const admin = await api.as('admin');
    const key = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/api-keys',
        headers: admin,
        payload: { name: '12345热线（武陵区）', areaCode: 'wuling' },
      }),
      201,
    );
    expect(key.areaActions).toBe(false);
    const court = { authorization: `Bearer ${key.key}` };
    const other = await api.create(report());
    // It sees the case: the grant is for that.
    expect((await sys.app.inject({ url: `/api/v1/disputes/${other.id}`, headers: court })).statusCode).toBe(200);
    for (const [action, body] of [
      ['withdraw', { reason: '当事人撤回' }],
      ['add-note', { text: '补充材料' }],
    ] as const) {
      const refused = await api.tryAct(other.id, action, body, { ...court, 'idempotency-key': `area-${action}` });
      expect([action, refused.statusCode, refused.json().code]).toEqual([action, 403, 'forbidden']);
      expect(refused.json().detail).toMatch(/^该接入方对本辖区案件仅有查看权限/);
    }
    expect((await api.get(other.id, holder)).stage).toBe('awaiting_acceptance');
    expect((await api.events(other.id, holder)).map((e) => e.type)).toEqual(['received']);

    // An admin grants actions with the area: now it may.
    expect(expectStatus(await patchKey(key.id, { areaActions: true }), 200)).toMatchObject({
      areaCode: 'wuling',
      areaActions: true,
    });
    const listed = expectStatus(await sys.app.inject({ url: '/api/v1/admin/api-keys', headers: admin }), 200);
    expect(listed.items.find((k: { id: string }) => k.id === key.id)).toMatchObject({ areaActions: true });
    expect((await api.act(other.id, 'add-note', { text: '法院已立案' }, court)).notes.at(-1).text).toBe('法院已立案');
    const withdrawn = await api.act(other.id, 'withdraw', { reason: '当事人撤回' }, court);
    expect([withdrawn.stage, withdrawn.outcome]).toEqual(['closed', 'withdrawn']);

    // Taken back: read-only again.
    expectStatus(await patchKey(key.id, { areaActions: false }), 200);
    const next = await api.create(report());
    expect((await api.tryAct(next.id, 'add-note', { text: 'x' }, court)).statusCode).toBe(403);
  });

  it('still lets a key act on what it reported itself, and grants actions only with an area', async () => {
    const admin = await api.as('admin');
    const reported = await api.create(report());
    expect((await api.act(reported.id, 'withdraw', { reason: '撤回' }, api.integrator)).outcome).toBe('withdrawn');
    const noArea = await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: 'x', areaActions: true },
    });
    expect([noArea.statusCode, noArea.json().errors[0].field]).toEqual([400, 'body/areaActions']);
    const granted = expectStatus(
      await sys.app.inject({
        method: 'POST',
        url: '/api/v1/admin/api-keys',
        headers: admin,
        payload: { name: '区法院', areaCode: 'wuling', areaActions: true },
      }),
      201,
    );
    expect(granted.areaActions).toBe(true);
    // Removing the area removes the actions with it.
    expect(expectStatus(await patchKey(granted.id, { areaCode: null }), 200)).toMatchObject({ areaActions: false });
    expect(expectStatus(await patchKey(granted.id, { areaCode: null }), 200)).not.toHaveProperty('areaCode');
    expect((await patchKey('no-such-key', { areaActions: false })).statusCode).toBe(404);
    const notAdmin = await sys.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/api-keys/${granted.id}`,
      headers: holder,
      payload: { areaActions: true },
    });
    expect(notAdmin.statusCode).toBe(403);
  });
});
