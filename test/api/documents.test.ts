/** Every document kind from a case, its content, masked copies, and hostile input coming out inert. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findChromium } from '../../templates/pdf';
import { apiOf } from '../helpers/api';
import { meetingSoon, untilMeetingStarts } from '../helpers/meeting';
import { agreedTerms } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Record<string, string>;
let resolved: { id: string; agreement: { number: string; sha256: string } };

const report = (extra: object = {}) => ({
  gridCode: 'yufuci-taoli',
  category: 'noise',
  title: '小吃店货梯噪音扰民',
  description: '楼下小吃店的载货电梯噪音很大。',
  parties: [
    {
      name: '陈某',
      role: 'applicant',
      sex: 'female',
      ethnicity: '汉族',
      age: 46,
      phone: '13800001111',
      idNumber: '430702198001011234',
      address: '常德市武陵区渔父祠社区',
    },
    { name: '常德市某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
  ],
  channel: 'grid-patrol',
  ...extra,
});

const doc = async (id: string, kind: string, headers = mediator) =>
  sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}`, headers });

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  mediator = await api.as('mediator@yufuci-community');
  const created = await api.create(report());
  const id = created.id as string;
  await api.act(id, 'accept', {}, mediator);
  await api.consentAll(id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(id, 'add-note', { text: '走访双方，小吃店同意整改' }, mediator);
  const meetingAt = meetingSoon();
  await api.act(
    id,
    'schedule-meeting',
    {
      at: meetingAt,
      place: '渔父祠社区会议室',
      agencies: ['market-regulation', 'environment'],
      agenda: '噪音检测与整改',
    },
    mediator,
  );
  // An outcome is recorded once the meeting has started (issue 21 item 7).
  await untilMeetingStarts(meetingAt);
  await api.act(id, 'record-outcome', { result: 'agreed', ...agreedTerms() }, mediator);
  for (const signer of ['party:0', 'party:1'])
    await api.act(
      id,
      'sign',
      { signer, method: signer === 'party:0' ? 'fingerprint' : 'seal', witness: '网格员李某' },
      mediator,
    );
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  await api.act(id, 'seal', {}, mediator);
  resolved = await api.act(
    id,
    'record-follow-up',
    {
      method: 'home',
      met: ['当事人'],
      performed: true,
      satisfaction: 5,
      note: '已加装减振设施',
      risks: '无',
      measures: '定期回访',
    },
    mediator,
  );
});
afterAll(() => sys?.close());

it('renders every document kind of a settled case', async () => {
  const id = resolved.id;
  const texts: Record<string, string> = {};
  for (const kind of [
    'agreement',
    'intake',
    'summons',
    'record',
    'follow-up',
    'judicial-confirmation',
    'certificate',
  ]) {
    const res = await doc(id, kind);
    expect([kind, res.statusCode]).toEqual([kind, 200]);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    texts[kind] = res.body;
  }
  expect(texts.intake).toContain('人民调解受理登记表');
  expect(texts.intake).toContain('渔父祠社区人民调解委员会');
  expect(texts.intake).toContain('身份证号：430702198001011234');
  expect(texts.summons).toMatch(/市场监管局、生态环境局/);
  expect(texts.summons).toContain('渔父祠社区会议室');
  expect(texts.record).toContain('走访双方，小吃店同意整改');
  expect(texts.record).toContain('达成调解协议');
  expect(texts['follow-up']).toContain(resolved.agreement.number);
  expect(texts['follow-up']).toContain('已履行');
  expect(texts['follow-up']).toContain('5 / 5');
  expect(texts['judicial-confirmation']).toContain('第三十三条');
  expect(texts['judicial-confirmation']).toContain(resolved.agreement.number);
  expect(texts.certificate).toContain(resolved.agreement.sha256);
  expect(texts.certificate).toContain('按指印');
  expect(texts.certificate).toContain('<svg');
  // Handlebars escapes `=` in text as &#x3D; (and `&` as &amp;); a browser shows the plain URL. It
  // carries the verification code printed on the agreement (核验码), without which verification is a 404.
  const code = /核验码 ([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})/.exec(texts.agreement!)?.[1];
  expect(texts.certificate!.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toContain(
    `/api/v1/agreements/${encodeURIComponent(resolved.agreement.number)}/verify?code=${code}&sha256=${resolved.agreement.sha256}`,
  );
  expect((await doc(id, 'referral')).statusCode).toBe(404);
});

it('gives every document in English too, as a courtesy translation of the sealed original', async () => {
  for (const kind of [
    'agreement',
    'intake',
    'summons',
    'record',
    'follow-up',
    'judicial-confirmation',
    'certificate',
  ]) {
    const res = await sys.app.inject({
      url: `/api/v1/disputes/${resolved.id}/documents/${kind}?lang=en`,
      headers: mediator,
    });
    expect([kind, res.statusCode]).toEqual([kind, 200]);
    expect(res.body).toContain('Courtesy translation. The Chinese original prevails.');
  }
  const en = (
    await sys.app.inject({ url: `/api/v1/disputes/${resolved.id}/documents/agreement?lang=en`, headers: mediator })
  ).body;
  expect(en).toContain(`No. ${resolved.agreement.number}`);
  expect(en).toContain('It is made in 3 copies');
  expect(
    (await sys.app.inject({ url: `/api/v1/disputes/${resolved.id}/documents/agreement?lang=fr`, headers: mediator }))
      .statusCode,
  ).toBe(400);
});

it('masks phone and ID numbers in integrators’ and public copies', async () => {
  const forIntegrator = await doc(resolved.id, 'intake', api.integrator);
  expect(forIntegrator.body).not.toContain('430702198001011234');
  expect(forIntegrator.body).toContain('430702********1234');
  expect(forIntegrator.body).toContain('138****1111');
  const publicCopy = await sys.app.inject({
    url: `/api/v1/disputes/${resolved.id}/documents/intake?copy=public`,
    headers: mediator,
  });
  expect(publicCopy.body).not.toContain('13800001111');
});

it('gives the referral notice of a failed mediation (Art. 26)', async () => {
  const created = await api.create(report());
  await api.act(created.id, 'accept', {}, mediator);
  await api.act(
    created.id,
    'fail',
    { reason: '双方对赔偿金额分歧过大', referral: '可向武陵区人民法院提起诉讼' },
    mediator,
  );
  const res = await doc(created.id, 'referral');
  expect(res.statusCode).toBe(200);
  expect(res.body).toContain('第二十六条');
  expect(res.body).toContain('可向武陵区人民法院提起诉讼');
  expect((await doc(created.id, 'certificate')).statusCode).toBe(404);
});

it('renders hostile input inert in every document', async () => {
  const hostile = await api.create(
    report({
      title: '__proto__ <script>alert(1)</script>',
      description: '{{constructor.constructor("return process")()}} <img src=x onerror=alert(1)>',
      parties: [
        { name: '<script>steal()</script>', role: 'applicant' },
        { name: 'constructor', role: 'respondent', representative: '{{#each this}}x{{/each}}' },
      ],
    }),
  );
  await api.act(hostile.id, 'accept', {}, mediator);
  await api.consentAll(hostile.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(hostile.id, 'add-note', { text: '<iframe src="javascript:alert(1)"></iframe>' }, mediator);
  await api.act(
    hostile.id,
    'resolve',
    {
      facts: '</p><script>x()</script>',
      matters: '__proto__',
      responsibilities: 'constructor',
      terms: [{ text: '{{lookup . "constructor"}}', method: '{{method}}', immediate: true }],
    },
    mediator,
  );
  for (const kind of ['agreement', 'intake', 'record']) {
    const res = await doc(hostile.id, kind);
    expect([kind, res.statusCode]).toEqual([kind, 200]);
    const body = res.body;
    expect(body).not.toMatch(/<script>(steal|alert|x)\(/);
    expect(body).not.toContain('<img src=x');
    expect(body).not.toContain('<iframe');
    expect(body).toContain('&lt;script&gt;');
    // Mustaches in data are text, never template code; markup is text too.
    const literal = {
      agreement: '{{lookup . ',
      intake: '{{constructor.constructor(',
      record: '&lt;/p&gt;&lt;script&gt;x()',
    }[kind]!;
    expect(body).toContain(literal);
    expect(body).not.toContain('[object Object]');
    expect(body).not.toContain('function Object()');
  }
});

// CI installs Debian's chromium and poppler-utils: there the PDF test must run; elsewhere it needs them.
const pdfTools =
  !!findChromium(process.env.CHROMIUM_PATH) &&
  !!(() => {
    try {
      return execFileSync('sh', ['-c', 'command -v pdftotext']).length;
    } catch {
      return 0;
    }
  })();
(pdfTools || process.env.CI ? it : it.skip)('serves the agreement as a PDF whose text is the agreement', async () => {
  const res = await sys.app.inject({
    url: `/api/v1/disputes/${resolved.id}/documents/agreement?format=pdf`,
    headers: mediator,
  });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'fq-pdf-'));
  const file = path.join(dir, 'agreement.pdf');
  writeFileSync(file, res.rawPayload);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, '');
  expect(text).toContain('人民调解协议书');
  expect(text).toContain(resolved.agreement.number);
  expect(text).toContain('人民币壹万贰仟元整');
  expect(text).toContain('本协议一式三份');
});
