/**
 * The rules of signing on one's own phone (issue 22, item 4): codes are single-use, expire, lock
 * after 5 wrong tries and are rate-limited; a party signs for itself only and electronically only;
 * staff never record an electronic signature; a stale text (hash or draft) is refused; refusing to
 * sign is recorded; a link for an earlier draft says the text has changed; the forms need the
 * page's CSRF token and the party's session. On real PostgreSQL and Temporal.
 */
import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { Actor } from '../../domain/types';
import { rejectAgreementUpdate, signUpdate, workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf, type Headers } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { PHONE_QIAN, PHONE_ZHAO, TERMS, drafted, signingLink } from './case';
import { Phone, smsCapture } from './phone';

const sms = smsCapture();
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;
beforeAll(async () => {
  sys = await startSystem({ sendCode: sms.sendCode });
  api = apiOf(sys);
  mediator = await api.as('mediator@wangjiaqiao-community');
});
afterAll(() => sys?.close());

/** A party's phone on its signing page, for party `index` of case `id`. */
async function onPage(id: string, index: number): Promise<{ phone: Phone; hash: string }> {
  const link = expectStatus(await signingLink(sys, id, index, mediator), 200);
  const phone = new Phone(sys);
  expect((await phone.open(link.url)).statusCode).toBe(200);
  return { phone, hash: link.contentSha256 };
}

const sql = (text: string, params: unknown[]) => sys.orm.em.fork().getConnection().execute(text, params);

/** Ask for a code (a minute after the last one, so the rate limit lets it through): the code sent. */
async function freshCode(phone: Phone, id: string, index: number, number: string): Promise<string> {
  await sql(
    `update party_codes set created_at = created_at - interval '61 seconds' where dispute_id = ? and party_index = ?`,
    [id, index],
  );
  expect((await phone.submit('/p/sign/code')).statusCode).toBe(200);
  return sms.lastCode(number);
}

const partyActor = (id: string, i: number, name: string): Actor => ({
  type: 'party',
  role: 'party',
  id: `party:${id}:${i}`,
  name,
  partyIndex: i,
});

/** An update sent straight to the workflow (as the parties' page would), its refusal's words. */
async function refusalOf(id: string, run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
  } catch (err) {
    expect(err).toBeInstanceOf(WorkflowUpdateFailedError);
    return String((err as { cause?: { message?: string } }).cause?.message);
  }
  throw new Error(`${id}: the update was not refused`);
}

it('refuses a wrong code, an expired code and a used one; 5 wrong tries lock the code', async () => {
  const id = await drafted(api, mediator);
  const { phone } = await onPage(id, 0);
  const code = await freshCode(phone, id, 0, PHONE_ZHAO);
  const wrong = code === '000000' ? '111111' : '000000';

  const refused = await phone.submit('/p/sign/confirm', { code: wrong });
  expect(refused.statusCode).toBe(422);
  expect(phone.text).toContain('验证码不正确 / The code is not correct');
  // The page is there again, with the code form, to try once more.
  expect(phone.forms.has('/p/sign/confirm')).toBe(true);

  // Expired: the same right code, after its 5 minutes.
  await sql(`update party_codes set expires_at = now() - interval '1 second' where dispute_id = ?`, [id]);
  expect((await phone.submit('/p/sign/confirm', { code })).statusCode).toBe(422);
  expect(phone.text).toContain('验证码已过期');

  // Locked: 5 wrong tries, then even the right code is refused.
  const second = await freshCode(phone, id, 0, PHONE_ZHAO);
  const other = second === '000000' ? '111111' : '000000';
  for (let i = 1; i <= 4; i++) {
    await phone.submit('/p/sign/confirm', { code: other });
    expect([i, phone.text]).toEqual([i, expect.stringContaining('验证码不正确')]);
  }
  await phone.submit('/p/sign/confirm', { code: other });
  expect(phone.text).toContain('错误次数过多');
  expect((await phone.submit('/p/sign/confirm', { code: second })).statusCode).toBe(422);
  expect(phone.text).toContain('错误次数过多');
  expect((await api.get(id, mediator)).agreement.signatures).toEqual([]);

  // A used code: it signs once; the same code again signs nothing more.
  const third = await freshCode(phone, id, 0, PHONE_ZHAO);
  const form = { ...phone.forms.get('/p/sign/confirm')!, code: third };
  expect((await phone.post('/p/sign/confirm', form)).statusCode).toBe(200);
  expect(phone.text).toContain('签署成功');
  const again = await phone.post('/p/sign/confirm', form);
  expect(again.statusCode).toBe(409);
  expect(phone.text).toContain('您已签署本协议');
  const [row] = await sql(`select used_at from party_codes where dispute_id = ? order by created_at desc limit 1`, [
    id,
  ]);
  expect(row!.used_at).not.toBeNull();
  expect((await api.get(id, mediator)).agreement.signatures).toHaveLength(1);
});

it('limits codes to one a minute (429), and sends them only to the phone on file', async () => {
  const id = await drafted(api, mediator);
  const { phone } = await onPage(id, 1);
  const before = sms.sent.length;
  const form = phone.forms.get('/p/sign/code')!;
  // A number typed in (a forged field) is not read: the code goes to the phone on file.
  expect((await phone.post('/p/sign/code', { ...form, phone: '13700009999' })).statusCode).toBe(200);
  const limited = await phone.post('/p/sign/code', { ...form, phone: '13700009999' });
  expect(limited.statusCode).toBe(429);
  expect(phone.text).toContain('验证码发送过于频繁，请稍后再试 / Too many codes requested');
  expect(sms.sent.slice(before).map((s) => s.phone)).toEqual([PHONE_QIAN]);
});

it('sends the code of a minor to the phone of its 法定代理人, and records the signature in the representative’s name', async () => {
  const id = await drafted(api, mediator, [
    { name: '赵某', role: 'applicant', kind: 'person', age: 45, phone: PHONE_ZHAO },
    {
      name: '钱小某',
      role: 'respondent',
      kind: 'person',
      age: 12,
      legalRepresentative: { name: '钱某', relation: '父亲', phone: '13900003333' },
    },
  ]);
  const { phone } = await onPage(id, 1);
  expect(phone.text).toContain('签署人：钱小某（法定代理人：钱某）');
  expect(phone.text).toContain('验证码将发送至法定代理人尾号3333的手机');
  const code = await freshCode(phone, id, 1, '13900003333');
  await phone.submit('/p/sign/confirm', { code });
  expect(phone.text).toContain('签署成功');
  const sig = (await api.get(id, mediator)).agreement.signatures[0];
  expect(sig).toMatchObject({
    signer: 'party:1',
    name: '钱小某（法定代理人：钱某）',
    method: 'electronic',
    phoneTail: '3333',
  });
});

it('lets a party sign only for itself and only electronically; staff never record an electronic signature', async () => {
  const id = await drafted(api, mediator);
  const handle = sys.client.workflow.getHandle(workflowIdFor(id));
  const zhao = partyActor(id, 0, '赵某');
  const electronic = {
    method: 'electronic' as const,
    round: 1,
    contentSha256: 'a'.repeat(64),
    channel: 'sms_otp' as const,
    codeRef: 'pc_0123456789abcdef',
    phoneTail: '1111',
  };
  // As another party: 403.
  expect(
    await refusalOf(id, () =>
      handle.executeUpdate(signUpdate, { args: [{ actor: zhao, payload: { signer: 'party:1', ...electronic } }] }),
    ),
  ).toContain('当事人只能为自己签名');
  // An actor claiming party 0 of another case: refused.
  expect(
    await refusalOf(id, () =>
      handle.executeUpdate(signUpdate, {
        args: [{ actor: { ...zhao, id: 'party:another-case:0' }, payload: { signer: 'party:0', ...electronic } }],
      }),
    ),
  ).toContain('当事人只能处理自己的案件');
  // On paper from its phone: refused.
  expect(
    await refusalOf(id, () =>
      handle.executeUpdate(signUpdate, {
        args: [{ actor: zhao, payload: { signer: 'party:0', method: 'signature' } }],
      }),
    ),
  ).toContain('只能以电子签名方式签署');
  // A stale draft (round 2 of a case on round 1): the text has changed.
  expect(
    await refusalOf(id, () =>
      handle.executeUpdate(signUpdate, {
        args: [{ actor: zhao, payload: { signer: 'party:0', ...electronic, round: 2 } }],
      }),
    ),
  ).toContain('协议文本已变更');
  // Refusing for another party: 403.
  expect(
    await refusalOf(id, () =>
      handle.executeUpdate(rejectAgreementUpdate, { args: [{ actor: zhao, payload: { party: 1, reason: '不同意' } }] }),
    ),
  ).toContain('当事人只能以自己的名义拒绝签署');

  // Staff: an electronic signature is 403; electronic fields on a paper one, 422.
  const staffElectronic = await api.tryAct(id, 'sign', { signer: 'party:0', ...electronic }, mediator);
  expect(staffElectronic.statusCode).toBe(403);
  expect(staffElectronic.json().detail).toContain('电子签名只能由当事人本人在签署页面以短信验证码确认');
  const mixed = await api.tryAct(
    id,
    'sign',
    { signer: 'party:0', method: 'signature', codeRef: 'pc_0123456789abcdef' },
    mediator,
  );
  expect(mixed.statusCode).toBe(422);
  expect((await api.get(id, mediator)).agreement.signatures).toEqual([]);
  // Paper signing by staff stays as it was.
  const paper = await api.act(
    id,
    'sign',
    { signer: 'party:0', method: 'fingerprint', witness: '网格员孙某' },
    mediator,
  );
  expect(paper.agreement.signatures[0]).toMatchObject({ method: 'fingerprint', recordedByName: '汪家桥社区调解员' });
  expect(paper.agreement.signatures[0].contentSha256).toBeUndefined();
});

it('refuses a stale hash, and forms without the page’s token or the party’s session', async () => {
  const id = await drafted(api, mediator);
  const { phone } = await onPage(id, 0);
  const code = await freshCode(phone, id, 0, PHONE_ZHAO);
  const stale = await phone.submit('/p/sign/confirm', { code, hash: 'b'.repeat(64) });
  expect(stale.statusCode).toBe(422);
  expect(phone.text).toContain('协议文本已变更');
  // No CSRF token (a form posted from another site): 403, nothing recorded.
  const form = phone.forms.get('/p/sign/confirm')!;
  const forged = await phone.post('/p/sign/confirm', { ...form, code, _csrf: 'x'.repeat(43) });
  expect(forged.statusCode).toBe(403);
  expect(phone.text).toContain('页面已过期，请重新打开签署链接');
  // Without the party's session (another browser): 401.
  const stranger = new Phone(sys);
  expect((await stranger.post('/p/sign/confirm', { ...form, code })).statusCode).toBe(401);
  expect(stranger.text).toContain('签署会话已过期');
  expect((await api.get(id, mediator)).agreement.signatures).toEqual([]);
});

it('records a refusal to sign with who and why, in the history and the case file; a link for the old draft says the text has changed', async () => {
  const id = await drafted(api, mediator);
  const link = expectStatus(await signingLink(sys, id, 1, mediator), 200);
  const phone = new Phone(sys);
  await phone.open(link.url);
  const oldForms = new Map(phone.forms);
  const refused = await phone.submit('/p/sign/refuse', { reason: '赔偿金额过低，不同意' });
  expect(refused.statusCode).toBe(200);
  expect(phone.text).toContain('已记录您拒绝签字');

  const c = await api.get(id, mediator);
  expect(c.stage).toBe('in_mediation');
  expect(c.pastAgreements[0].rejected).toMatchObject({ party: 1, reason: '赔偿金额过低，不同意', byName: '钱某' });
  const event = (await api.events(id, mediator)).find((e) => e.type === 'agreement_rejected')!;
  expect(event.payload).toMatchObject({ party: 1, reason: '赔偿金额过低，不同意' });
  expect((event as unknown as { actor: Actor }).actor).toMatchObject({
    type: 'party',
    id: `party:${id}:1`,
    name: '钱某',
  });
  const file = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file`, headers: mediator });
  expect(file.statusCode).toBe(200);
  expect(file.body).toContain('钱某（本人在签署页面拒绝签字）');
  expect(file.body).toContain('赔偿金额过低，不同意');

  // A new draft (round 2): the old link and the old forms say the text has changed.
  await api.act(id, 'resolve', TERMS, mediator);
  const old = await phone.open(link.url);
  expect(old.statusCode).toBe(409);
  expect(phone.text).toContain('协议文本已变更，本链接对应的是旧的协议稿');
  const replay = await phone.post('/p/sign/refuse', { ...oldForms.get('/p/sign/refuse')!, reason: '再次拒绝' });
  expect(replay.statusCode).toBe(422);
  expect(phone.text).toContain('协议文本已变更');
  expect((await api.get(id, mediator)).stage).toBe('awaiting_signatures');
  // The new link works.
  const fresh = expectStatus(await signingLink(sys, id, 1, mediator), 200);
  expect(fresh.round).toBe(2);
  expect((await phone.open(fresh.url)).statusCode).toBe(200);
  expect(phone.text).toContain('第2稿');
});
