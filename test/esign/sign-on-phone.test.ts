/**
 * Signing on one's own phone (issue 22, item 4): a party opens the agreement from its signing link,
 * sees the text and its hash, gets a code on the phone on file, signs with it; the signature is
 * recorded as electronic with the hash, channel and code reference; the sealed agreement and its
 * audit certificate say how each signature was given. On real PostgreSQL and Temporal.
 */
import { Dispute } from '../../db/entities';
import { agreementContentSha256 } from '../../security/agreement-hash';
import { apiOf, type Headers } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { PHONE_QIAN, PHONE_ZHAO, drafted, signingLink } from './case';
import { consoleLogin, cookiesOf, formCsrfOf } from '../helpers/console';
import { TEST_PASSWORD } from '../helpers/run-state';
import { Phone, smsCapture, textOf } from './phone';

const sms = smsCapture();
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Headers;
let director: Headers;
beforeAll(async () => {
  sys = await startSystem({ sendCode: sms.sendCode });
  api = apiOf(sys);
  mediator = await api.as('mediator@wangjiaqiao-community');
  director = await api.as('supervisor@wangjiaqiao-community');
});
afterAll(() => sys?.close());

/** A document's HTML (200 required). */
function htmlOf(res: { statusCode: number; body: string }): string {
  if (res.statusCode !== 200) throw new Error(`expected 200, got ${res.statusCode}: ${res.body}`);
  return res.body;
}

it('signs on the phone with a code: recorded as electronic with the hash, channel and code reference; the certificate says how each signature was given', async () => {
  const id = await drafted(api, mediator);
  const link = expectStatus(await signingLink(sys, id, 0, mediator), 200);
  expect(link).toMatchObject({ round: 1, phoneTail: '1111', sent: false });
  expect(link.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/p\/sign\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  // The hash is the draft's content hash (domain/agreement-hash.ts), computed again here from the case.
  const { state } = await sys.orm.em.fork().findOneOrFail(Dispute, { id });
  expect(link.contentSha256).toBe(agreementContentSha256(state, state.agreement!));

  const phone = new Phone(sys);
  const page = await phone.open(link.url);
  expect(page.statusCode).toBe(200);
  expect(page.headers['content-type']).toMatch(/text\/html/);
  // The text that will be sealed, its hash, the two buttons; the other party's phone masked.
  expect(phone.text).toContain('钱某卫生间防水层老化，渗水浸湿赵某天花板。');
  expect(phone.text).toContain('钱某修复卫生间防水层并赔偿赵某天花板修复费用');
  expect(phone.text).toContain('签订地点：汪家桥社区人民调解委员会');
  expect(phone.text).toContain(link.contentSha256.replace(/(.{4})(?=.)/g, '$1 '));
  expect(phone.text).toContain('发送验证码');
  expect(phone.text).toContain('拒绝签字');
  expect(phone.text).toContain('尾号1111');
  expect(phone.text).toContain(PHONE_ZHAO);
  expect(phone.text).not.toContain(PHONE_QIAN);
  expect(phone.text).not.toContain('3栋501室');
  expect(phone.text).not.toContain('52岁');

  const sentBefore = sms.sent.length;
  const codePage = await phone.submit('/p/sign/code');
  expect(codePage.statusCode).toBe(200);
  expect(phone.text).toContain('验证码已发送至尾号1111的手机');
  // To the phone on file, nothing else.
  expect(sms.sent.slice(sentBefore).map((s) => s.phone)).toEqual([PHONE_ZHAO]);
  const code = sms.lastCode(PHONE_ZHAO);

  const signed = await phone.submit('/p/sign/confirm', { code });
  expect([signed.statusCode, phone.text]).toEqual([200, expect.stringContaining('签署成功')]);
  expect(phone.text).toContain('等待其他人签署：钱某、人民调解员');

  const c = await api.get(id, mediator);
  const sig = c.agreement.signatures.find((s: { signer: string }) => s.signer === 'party:0');
  const [codeRow] = await sys.orm.em
    .fork()
    .getConnection()
    .execute<Array<{ code_ref: string; used_at: Date | null }>>(
      `select code_ref, used_at from party_codes where dispute_id = ? and party_index = 0 and purpose = 'sign'`,
      [id],
    );
  expect(codeRow!.used_at).not.toBeNull();
  expect(sig).toMatchObject({
    signer: 'party:0',
    name: '赵某',
    method: 'electronic',
    contentSha256: link.contentSha256,
    channel: 'sms_otp',
    codeRef: codeRow!.code_ref,
    phoneTail: '1111',
  });
  expect(sig.recordedByName).toBeUndefined();
  const events = await api.events(id, mediator);
  const signedEvent = events.find((e) => e.type === 'signed')!;
  expect(signedEvent.payload).toMatchObject({
    method: 'electronic',
    contentSha256: link.contentSha256,
    codeRef: codeRow!.code_ref,
  });
  expect((signedEvent as unknown as { actor: { type: string; id: string } }).actor).toMatchObject({
    type: 'party',
    id: `party:${id}:0`,
  });

  // The others sign on paper, recorded by the mediator; the director seals last.
  await api.act(id, 'sign', { signer: 'party:1', method: 'signature' }, mediator);
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  const effective = await api.act(id, 'seal', {}, director);
  expect(effective.stage).toBe('follow_up');

  const cert = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/certificate`, headers: mediator });
  const certText = textOf(htmlOf(cert));
  expect(certText).toContain(
    `电子签名（短信验证码确认，手机尾号1111，验证码编号${codeRow!.code_ref}，文本哈希${link.contentSha256}，`,
  );
  expect(certText).toContain('本人（电子签名）');
  expect(certText).toContain('纸质签名（由汪家桥社区调解员记录）');
  const certEn = textOf(
    htmlOf(await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/certificate?lang=en`, headers: mediator })),
  );
  expect(certEn).toContain(`electronic signature (confirmed by a one-time code sent by SMS, to the phone ending 1111`);
  expect(certEn).toContain('signed on paper (recorded by 汪家桥社区调解员)');

  // The sealed agreement lists the electronic signature as such, with the hash the party saw.
  const agreement = textOf(
    htmlOf(await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/agreement`, headers: mediator })),
  );
  expect(agreement).toContain(`赵某（电子签名，短信验证码确认（手机尾号1111），文本哈希${link.contentSha256}`);
  expect(agreement).toMatch(/钱某（签名，[^）]*记录人：汪家桥社区调解员）/);
  // The party's page now says it has taken effect.
  await phone.open(link.url);
  expect(phone.text).toContain('调解协议已生效');
});

it('issues signing links to the holding committee only, for a party with a phone, and sends them when asked', async () => {
  const id = await drafted(api, mediator);
  for (const who of ['mediator@wangjiaqiao-street', 'admin']) {
    const res = await signingLink(sys, id, 0, await api.as(who));
    expect([who, res.statusCode]).toEqual([who, 403]);
  }
  expect((await signingLink(sys, id, 0, api.integrator)).statusCode).toBe(403);
  expect((await signingLink(sys, id, 7, mediator)).statusCode).toBe(404);
  expect((await signingLink(sys, 'no-such-case', 0, mediator)).statusCode).toBe(404);
  const before = sms.sent.length;
  const sent = expectStatus(await signingLink(sys, id, 1, mediator, { send: true }), 200);
  expect(sent.sent).toBe(true);
  const [message] = sms.sent.slice(before);
  expect(message!.phone).toBe(PHONE_QIAN);
  expect(message!.text).toContain(sent.url);
  expect(message!.text).toContain('请在7日内打开链接核对全文并签署');
  // A forged or unknown token: 404, saying so in both languages.
  const phone = new Phone(sys);
  const forged = await phone.open(`${sent.url.slice(0, -3)}AAA`);
  expect(forged.statusCode).toBe(404);
  expect(phone.text).toContain('签署链接无效或已过期');
  expect(phone.text).toContain('this signing link is not valid or has expired');
});

it('shows staff in the console how each signature was given, and sends a party its signing link from there', async () => {
  const id = await drafted(api, mediator);
  const login = await consoleLogin(sys.app, { username: 'mediator@wangjiaqiao-community', password: TEST_PASSWORD });
  expect(login.statusCode).toBe(303);
  const cookie = cookiesOf(login).join('; ');
  const open = async () => {
    const res = await sys.app.inject({ url: `/console/cases/${id}`, headers: { cookie } });
    expect(res.statusCode).toBe(200);
    return res;
  };
  let page = await open();
  expect(textOf(page.body)).toContain('发送签署链接：赵某');
  expect(textOf(page.body)).toContain('发送签署链接：钱某');
  const before = sms.sent.length;
  const sent = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${id}/signing-link/0`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: formCsrfOf(page.body) }).toString(),
  });
  expect(sent.statusCode).toBe(303);
  expect(sent.headers.location).toBe(`/console/cases/${id}?linkSent=1111#h-signatures`);
  const [message] = sms.sent.slice(before);
  expect(message!.phone).toBe(PHONE_ZHAO);
  // Without the page's token: refused, nothing sent.
  const forged = await sys.app.inject({
    method: 'POST',
    url: `/console/cases/${id}/signing-link/1`,
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: '_csrf=forged',
  });
  expect(forged.statusCode).toBe(403);
  expect(sms.sent.length).toBe(before + 1);

  // The party signs on the phone from the link in the SMS; another is recorded on paper.
  const phone = new Phone(sys);
  await phone.open(/https?:\/\/\S+/.exec(message!.text)![0]);
  await phone.submit('/p/sign/code');
  await phone.submit('/p/sign/confirm', { code: sms.lastCode(PHONE_ZHAO) });
  expect(phone.text).toContain('签署成功');
  await api.act(id, 'sign', { signer: 'party:1', method: 'fingerprint' }, mediator);
  page = await sys.app.inject({ url: `/console/cases/${id}?linkSent=1111`, headers: { cookie } });
  const text = textOf(page.body);
  expect(text).toContain('签署链接已发送至尾号1111的手机');
  expect(text).toMatch(/赵某 ：电子签名（短信验证码确认，手机尾号1111，验证码编号pc_[0-9a-f]+，文本哈希[0-9a-f]{64}，/);
  expect(text).toContain('钱某 ：按指印（由汪家桥社区调解员记录）');
  // Everyone has signed but the mediator: no more links to send.
  expect(text).not.toContain('发送签署链接');
});
