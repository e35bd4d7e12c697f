/**
 * Notices to the parties of a real case (real PostgreSQL and Temporal): by SMS through the HTTP
 * gateway (a loopback receiver) and by e-mail to a loopback SMTP server; consent, quiet hours, once
 * per key, retries, and the delivery log.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { NoticeDelivery } from '../../db/entities';
import { HttpSmsGateway, SmtpEmail } from '../../notifications/channels';
import { sendCodeSms } from '../../notifications/codes';
import { setContactPreference } from '../../notifications/preferences';
import { parseQuietHours, sendableAt } from '../../notifications/quiet-hours';
import { NotificationService } from '../../notifications/service';
import { oneTimeCodeText } from '../../notifications/templates';
import { apiOf } from '../helpers/api';
import { consoleLogin } from '../helpers/console';
import { TEST_PASSWORD } from '../helpers/run-state';
import { taoliLiftNoise } from '../helpers/fixtures';
import { startSmsReceiver, type SmsReceiver } from '../helpers/sms-receiver';
import { eventually, startSystem, type TestSystem } from '../helpers/system';

const PHONE = '13800001111';
const OTHER = '13900002222';
let sys: TestSystem;
let receiver: SmsReceiver;
let smtp: SMTPServer;
let service: NotificationService;
const mails: Array<{ to: string; raw: string }> = [];
const linkFor = ({ disputeId, partyIndex, purpose }: { disputeId: string; partyIndex: number; purpose: string }) =>
  `https://t.example.cn/p/${purpose}-${disputeId.slice(0, 6)}-${partyIndex}`;

beforeAll(async () => {
  receiver = await startSmsReceiver();
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, cb) {
      let raw = '';
      stream.on('data', (c: Buffer) => (raw += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address).join(','), raw });
        cb();
      });
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const port = (smtp.server.address() as AddressInfo).port;
  service = new NotificationService({
    sms: new HttpSmsGateway(receiver.url, receiver.secret),
    email: new SmtpEmail(`smtp://127.0.0.1:${port}`, 'notices@fengqiao.test', { allowSelfSigned: true }),
    linkFor,
    quietHours: undefined,
    retry: { initialRetryMs: 100, maxAttempts: 3 },
  });
  sys = await startSystem({ notifications: service });
}, 60_000);
afterAll(async () => {
  await sys?.close();
  await receiver?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

const deliveries = (disputeId: string) =>
  sys.orm.em.fork().find(NoticeDelivery, { disputeId }, { orderBy: { key: 'asc' } });

/** A Taoli case whose two parties have phones; `consent` says for which parties consent is recorded, then accepted. */
async function acceptedCase(consent: Array<{ party: number; channels: Array<'sms' | 'email'>; email?: string }>) {
  const api = apiOf(sys);
  const intake = taoliLiftNoise();
  (intake.parties[1] as { phone?: string }).phone = OTHER;
  const created = await api.create(intake);
  for (const c of consent)
    await setContactPreference(sys.orm.em.fork(), created.id, c.party, {
      consent: true,
      channels: c.channels,
      email: c.email,
      source: 'staff:mediator@yufuci-community',
    });
  const accepted = await api.act(created.id, 'accept', {}, await api.as('mediator@yufuci-community'));
  return accepted as { id: string; caseNumber: string };
}
/** The text body of a one-part message, its transfer encoding (quoted-printable or base64) undone. */
function bodyOf(raw: string): string {
  const [head = '', ...rest] = raw.split(/\r?\n\r?\n/);
  const body = rest.join('\n\n');
  const encoding = /content-transfer-encoding:\s*([\w-]+)/i.exec(head)?.[1]?.toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable')
    return Buffer.from(
      body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))),
      'latin1',
    ).toString('utf8');
  return body;
}
const smsOf = (disputeId: string) => receiver.messages.filter((m) => m.key.startsWith(disputeId));

it('sends one acceptance SMS with the case number and link to the party who consented; the other is logged skipped', async () => {
  const c = await acceptedCase([{ party: 0, channels: ['sms'] }]);
  const [sms] = await eventually(
    async () => (smsOf(c.id).length ? smsOf(c.id) : undefined),
    15_000,
    'the acceptance SMS',
  );
  expect(sms!.to).toBe(PHONE);
  expect(sms!.text).toBe(
    `【枫桥调解】纠纷已受理，案号${c.caseNumber}，进展：${linkFor({ disputeId: c.id, partyIndex: 0, purpose: 'case' })}`,
  );
  const rows = await eventually(async () => {
    const r = await deliveries(c.id);
    return r.find((d) => d.status === 'sent') ? r : undefined;
  });
  expect(
    rows.map((d) => [d.key.replace(c.id, 'ID').replace(/:\d+:/, ':N:'), d.status, d.reason ?? null, d.recipientMasked]),
  ).toEqual([
    ['ID:acceptance:N:p0:sms', 'sent', null, '138****1111'],
    ['ID:acceptance:N:p1:sms', 'skipped', 'no_consent', '139****2222'],
  ]);
  expect(rows[0]!.providerMessageId).toMatch(/^msg-/);
  await new Promise((r) => setTimeout(r, 1000));
  expect(smsOf(c.id)).toHaveLength(1);
});

it('sends nothing twice for one notice key: a replayed recording, or a retried attempt after success', async () => {
  const c = await acceptedCase([{ party: 0, channels: ['sms'] }]);
  await eventually(async () => smsOf(c.id).length === 1);
  const em = sys.orm.em.fork();
  const [row] = await em.execute<{ state: any }[]>(`select state from disputes where id = ?`, [c.id]);
  const events = await em.execute<any[]>(`select * from dispute_events where dispute_id = ? and type = 'accepted'`, [
    c.id,
  ]);
  // The activity retried: the same step's events recorded again.
  const acts = (await import('../../notifications/activities')).createNotificationActivities(sys.orm, service, {
    client: sys.client,
    taskQueue: sys.taskQueue,
  });
  await acts.hooks.recorded({ events: events.map((e) => ({ ...e, seq: e.seq })), view: row!.state });
  const sent = (await deliveries(c.id)).find((d) => d.status === 'sent')!;
  await acts.activities.deliverNotice(sent.id);
  await new Promise((r) => setTimeout(r, 1500));
  expect(smsOf(c.id)).toHaveLength(1);
  expect((await deliveries(c.id)).find((d) => d.id === sent.id)!.attempts).toBe(1);
});

it('retries a failing gateway with backoff, then records the notice failed', async () => {
  receiver.failNext(Infinity);
  try {
    const c = await acceptedCase([{ party: 0, channels: ['sms'] }]);
    const row = await eventually(
      async () => (await deliveries(c.id)).find((d) => d.status === 'failed'),
      20_000,
      'failed',
    );
    expect(row).toMatchObject({ attempts: 3, reason: 'attempts_exhausted' });
    expect(row.lastError).toContain('503');
    expect(smsOf(c.id)).toHaveLength(0);
  } finally {
    receiver.failNext(0);
  }
});

it('a gateway that fails once is retried and the SMS goes out once', async () => {
  receiver.failNext(1);
  const c = await acceptedCase([{ party: 0, channels: ['sms'] }]);
  const row = await eventually(async () => (await deliveries(c.id)).find((d) => d.status === 'sent'), 15_000, 'sent');
  expect(row.attempts).toBe(2);
  expect(smsOf(c.id)).toHaveLength(1);
});

it('sends the acceptance by e-mail to the loopback SMTP server, Chinese first, then English', async () => {
  const c = await acceptedCase([{ party: 1, channels: ['email'], email: 'shop@example.cn' }]);
  const mail = await eventually(async () => mails.find((m) => m.raw.includes(c.id.slice(0, 6))), 15_000, 'the e-mail');
  expect(mail.to).toBe('shop@example.cn');
  const body = bodyOf(mail.raw);
  expect(body.indexOf(`纠纷已由人民调解委员会受理，案号${c.caseNumber}`)).toBeGreaterThanOrEqual(0);
  expect(body.indexOf('Your dispute was accepted')).toBeGreaterThan(body.indexOf('纠纷已由'));
  expect(body).toContain(linkFor({ disputeId: c.id, partyIndex: 1, purpose: 'case' }));
  const rows = await deliveries(c.id);
  expect(rows.find((d) => d.channel === 'email')).toMatchObject({ status: 'sent', recipientMasked: 's***@example.cn' });
  // Party 1 allowed e-mail only: the SMS is logged as not allowed, not sent.
  expect(rows.find((d) => d.key.endsWith(':p1:sms'))).toMatchObject({
    status: 'skipped',
    reason: 'channel_not_allowed',
  });
  expect(smsOf(c.id)).toHaveLength(0);
});

it('holds non-urgent notices until quiet hours end; a one-time code goes at once', async () => {
  // Quiet hours around now (Beijing time), ending in 2 hours.
  const bj = new Date(Date.now() + 8 * 3600_000);
  const hhmm = (ms: number) => new Date(ms).toISOString().slice(11, 16);
  const quiet = parseQuietHours(`${hhmm(bj.getTime() - 3600_000)}-${hhmm(bj.getTime() + 2 * 3600_000)}`);
  service.deps.quietHours = quiet;
  try {
    const c = await acceptedCase([{ party: 0, channels: ['sms'] }]);
    const row = await eventually(async () => (await deliveries(c.id)).find((d) => d.key.endsWith(':p0:sms')));
    expect(row.status).toBe('queued');
    const expected = sendableAt(new Date(), quiet).getTime();
    expect(Math.abs(row.notBefore!.getTime() - expected)).toBeLessThan(120_000);
    expect(row.notBefore!.getTime()).toBeGreaterThan(Date.now() + 3600_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(smsOf(c.id)).toHaveLength(0);

    await sendCodeSms(
      { orm: sys.orm, sms: service.deps.sms },
      { phone: '+86 138 0000 1111', text: oneTimeCodeText('482913', 10), key: `code:${c.id}:1` },
    );
    const code = receiver.messages.find((m) => m.key === `code:${c.id}:1`);
    expect(code).toMatchObject({ to: PHONE, text: '【枫桥调解】验证码482913，10分钟内有效，请勿告诉他人' });
    const logged = await sys.orm.em.fork().findOneOrFail(NoticeDelivery, { key: `code:${c.id}:1` });
    expect(logged).toMatchObject({ status: 'sent', urgent: true, kind: 'one_time_code' });
    expect(logged.text).not.toContain('482913');
    // Once per key: the same code key again sends nothing.
    await sendCodeSms(
      { orm: sys.orm, sms: service.deps.sms },
      { phone: PHONE, text: oneTimeCodeText('482913'), key: `code:${c.id}:1` },
    );
    expect(receiver.messages.filter((m) => m.key === `code:${c.id}:1`)).toHaveLength(1);
  } finally {
    service.deps.quietHours = undefined;
  }
});

it('lets the mediator record consent through the API and read the delivery log, recipients masked', async () => {
  const api = apiOf(sys);
  const mediator = await api.as('mediator@yufuci-community');
  const intake = taoliLiftNoise();
  const created = await api.create(intake);
  const put = await sys.app.inject({
    method: 'PUT',
    url: `/api/v1/disputes/${created.id}/contacts/0`,
    headers: mediator,
    payload: { consent: true, channels: ['sms'], source: 'in_person' },
  });
  expect(put.statusCode).toBe(200);
  expect(put.json()).toMatchObject({
    consent: true,
    channels: ['sms'],
    consentSource: 'staff:mediator@yufuci-community:in_person',
  });
  // An integrator may not record a person's consent.
  const refused = await sys.app.inject({
    method: 'PUT',
    url: `/api/v1/disputes/${created.id}/contacts/0`,
    headers: api.integrator,
    payload: { consent: true, channels: ['sms'] },
  });
  expect(refused.statusCode).toBe(403);
  expect((await sys.app.inject({ url: `/api/v1/disputes/nope/notices`, headers: mediator })).statusCode).toBe(404);
  await api.act(created.id, 'accept', {}, mediator);
  await eventually(async () => smsOf(created.id).length === 1);
  const log = await eventually(async () => {
    const res = await sys.app.inject({ url: `/api/v1/disputes/${created.id}/notices`, headers: mediator });
    const items = res.json().items as Array<{ status: string; recipient: string; kind: string }>;
    return items.some((i) => i.status === 'sent') ? items : undefined;
  });
  expect(log.map((i) => [i.kind, i.status, i.recipient])).toEqual(
    expect.arrayContaining([
      ['acceptance', 'sent', '138****1111'],
      ['acceptance', 'skipped', '—'], // the shop: no consent, no phone
    ]),
  );
  expect(JSON.stringify(log)).not.toContain(PHONE);
  // The console's case page lists them too.
  const login = await consoleLogin(sys.app, {
    username: 'mediator@yufuci-community',
    password: TEST_PASSWORD,
    next: '/console',
  });
  const cookie = String([login.headers['set-cookie']].flat().find((c) => c?.startsWith('fq_session='))).split(';')[0]!;
  const html = (await sys.app.inject({ url: `/console/cases/${created.id}`, headers: { cookie } })).body;
  const section = html.slice(html.indexOf('id="h-notices"'), html.indexOf('</table>', html.indexOf('id="h-notices"')));
  expect(section).toContain('通知送达');
  expect(section).toMatch(
    /受理通知<\/th><td>短信<\/td><td>138\*\*\*\*1111<\/td><td><span class="notice-status notice-sent">已发送/,
  );
  expect(section).toContain('未同意接收');
  expect(section).not.toContain(PHONE);
});

it('documents the contacts and notices routes in the (valid) OpenAPI document', async () => {
  const SwaggerParser = (await import('@apidevtools/swagger-parser')).default;
  const doc = (await sys.app.inject({ url: '/docs/json' })).json();
  expect(doc.paths['/api/v1/disputes/{id}/contacts/{partyIndex}']).toHaveProperty('get');
  expect(doc.paths['/api/v1/disputes/{id}/contacts/{partyIndex}']).toHaveProperty('put');
  expect(doc.paths['/api/v1/disputes/{id}/notices']).toHaveProperty('get');
  await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
});
