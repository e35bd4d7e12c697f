/**
 * Issue 22, "done when", end to end on real PostgreSQL and Temporal, once with attachments in
 * PostgreSQL and once in S3-compatible storage (moto): a resident reports the Taoli lift-noise case
 * from the public form with a photo, receives an SMS (captured by the gateway adapter's test
 * receiver) with a link, follows the case, uploads a second photo, signs the agreement on the phone
 * with a one-time code, and rates the follow-up; the evidence list, the signature's audit record and
 * the rating appear in the case file.
 */
import { createHash } from 'node:crypto';
import { HttpSmsGateway, LogEmail } from '../../notifications/channels';
import { sendCodeSms } from '../../notifications/codes';
import { NotificationService } from '../../notifications/service';
import { linkFor, partyLinkSecret } from '../../parties/links';
import { reportFormToken } from '../../parties/report-form';
import type { AttachmentStore } from '../../storage/attachment-store';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf, type Headers } from '../helpers/api';
import { recordHistory } from '../helpers/histories';
import { agreedTerms } from '../helpers/fixtures';
import { startSmsReceiver, type SmsReceiver } from '../helpers/sms-receiver';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { LATITUDE, jpegWithGps, motoInstalled, startMoto } from '../attachments/helpers';
import { Phone, textOf } from '../esign/phone';
import { PhoneBrowser, field } from './page';

const PUBLIC_URL = 'http://127.0.0.1:3000';
const RESIDENT = '13800001111';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

const stores: Array<['PostgreSQL' | 'S3 (moto)']> = [
  ['PostgreSQL'],
  ...(motoInstalled() ? [['S3 (moto)'] as ['S3 (moto)']] : []),
];

describe.each(stores)('the Taoli resident, attachments in %s', (storeName) => {
  let sys: TestSystem;
  let receiver: SmsReceiver;
  let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
  let api: ReturnType<typeof apiOf>;
  let mediator: Headers;
  let director: Headers;

  beforeAll(async () => {
    receiver = await startSmsReceiver();
    let store: AttachmentStore | undefined;
    if (storeName !== 'PostgreSQL') {
      moto = await startMoto();
      store = moto.store;
    }
    const sms = new HttpSmsGateway(receiver.url, receiver.secret);
    const notifications = new NotificationService({
      sms,
      email: new LogEmail(() => undefined),
      // The links the notices carry, signed as in production (parties/links.ts).
      linkFor: async (req) => (await linkFor(sys.orm.em.fork(), PUBLIC_URL, req)).url,
      quietHours: undefined,
      retry: { initialRetryMs: 100, maxAttempts: 3 },
    });
    sys = await startSystem({
      notifications,
      attachmentStore: store,
      // One-time codes by the same SMS gateway, as api/services.ts wires them.
      sendCode: (req) => sendCodeSms({ orm: sys.orm, sms }, req),
      config: { publicUrl: PUBLIC_URL },
    });
    api = apiOf(sys);
    mediator = await api.as('mediator@yufuci-community');
    director = await api.as('supervisor@yufuci-community');
  }, 120_000);
  afterAll(async () => {
    await sys?.close();
    await receiver?.close();
    await moto?.stop();
  });

  /** The SMS to the resident's phone whose text matches, once it has arrived. */
  const smsTo = (pattern: RegExp) =>
    eventually(
      async () => receiver.to(RESIDENT).find((m) => pattern.test(m.text)),
      30_000,
      `an SMS to the resident matching ${pattern}`,
    );
  const linkIn = (text: string) => new URL(/https?:\/\/\S+/.exec(text)![0]).pathname;

  it('reports from the form, follows by SMS link, adds a photo, signs on the phone, rates; the case file has it all', async () => {
    // 1. The public form, with a photo that carries a GPS position.
    const photo1 = jpegWithGps();
    const resident = new PhoneBrowser(sys);
    const form = await resident.get('/p/report');
    expect(form.statusCode).toBe(200);
    // The form's token as if served 20 s ago: a person takes a while to fill it in (the spam check).
    const formToken = reportFormToken(await partyLinkSecret(sys.orm.em.fork()), new Date(Date.now() - 20_000));
    const reported = await resident.postMultipart(
      '/p/report',
      {
        _csrf: field(form.body, '_csrf'),
        formToken,
        website: '',
        category: 'noise',
        gridCode: 'yufuci-taoli',
        description: '楼下小吃店的载货电梯早晚运货，噪音很大，夜间影响休息。',
        who: 'party',
        otherParty: '常德市某小吃店',
        name: '陈某',
        phone: RESIDENT,
        consent: 'yes',
      },
      [{ field: 'photo1', name: '货梯夜间.jpg', type: 'image/jpeg', body: photo1 }],
    );
    expect(reported.statusCode).toBe(201);
    const caseNumber = /id="case-number">([^<]+)</.exec(reported.body)![1]!;
    const [row] = await sys.orm.em
      .fork()
      .getConnection()
      .execute<Array<{ id: string }>>('select id from disputes where case_number = ?', [caseNumber]);
    const id = row!.id;

    // 2. The committee accepts; the resident receives the acceptance SMS with the case number and a link.
    await api.act(id, 'accept', {}, mediator);
    const accepted = await smsTo(/已受理/);
    expect(accepted.text).toContain(caseNumber);
    expect(accepted.signed).toBe(true);

    // 3. The link opens the resident's page (a fresh phone: no session from the form).
    const phone = new PhoneBrowser(sys);
    const opened = await phone.get(linkIn(accepted.text));
    expect([302, 303]).toContain(opened.statusCode);
    const page = await phone.get('/p/case');
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain(caseNumber);
    expect(textOf(page.body)).toContain('调解中');

    // 4. A second photo from the page.
    const photo2 = Buffer.concat([jpegWithGps(), Buffer.from('second')]);
    const up = await phone.postMultipart('/p/case/evidence', { _csrf: field(page.body, '_csrf'), case: id }, [
      { field: 'file', name: '噪音记录.jpg', type: 'image/jpeg', body: photo2 },
    ]);
    expect([200, 201, 303]).toContain(up.statusCode);

    // 5. Mediation: the parties' will on record, the agreement drafted; the resident gets the signing link.
    await api.consentAll(id, mediator);
    const drafted = await api.act(id, 'resolve', agreedTerms(), mediator);
    expect(drafted.stage).toBe('awaiting_signatures');
    const toSign = await smsTo(/签署/);
    const signer = new Phone(sys);
    const signPage = await signer.open(`${PUBLIC_URL}${linkIn(toSign.text)}`);
    expect(signPage.statusCode).toBe(200);
    const hash = /[0-9a-f]{4}(?: [0-9a-f]{4}){15}/.exec(signer.text)![0].replace(/ /g, '');
    expect(signer.text).toContain('小吃店在电梯井加装隔音减振设施');

    // 6. The code goes to the phone on file, by the same gateway; the resident confirms with it.
    await signer.submit('/p/sign/code');
    const codeSms = await smsTo(/验证码\d{6}/);
    const code = /验证码(\d{6})/.exec(codeSms.text)![1]!;
    await signer.submit('/p/sign/confirm', { code });
    expect(signer.text).toContain('签署成功');

    // The shop signs on paper, recorded by the mediator; the mediator signs; the 主任 seals last.
    await api.act(id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
    await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
    const effective = await api.act(id, 'seal', {}, director);
    expect(effective.stage).toBe('follow_up');
    await smsTo(/司法确认/);

    // 7. The follow-up: the resident rates on the page; the visit finds every term done and closes the case.
    const followUp = await phone.get('/p/case');
    const rated = await phone.post('/p/case/rate', {
      _csrf: field(followUp.body, '_csrf'),
      case: id,
      rating: '5',
      comment: '货梯已加装隔音，晚上安静了',
    });
    expect(rated.statusCode).toBe(303);
    const closed = await api.act(
      id,
      'record-follow-up',
      { method: 'home', met: ['陈某'], performed: true, satisfaction: 5 },
      mediator,
    );
    expect([closed.stage, closed.outcome]).toEqual(['closed', 'resolved']);

    // The evidence: both photos, their SHA-256 in the events equal to the stored bytes, GPS removed.
    const events = await api.events(id, mediator);
    const evidence = events.filter((e) => e.type === 'evidence_added').map((e) => e.payload);
    expect(evidence.map((e) => e.source)).toEqual(['public_form', 'party']);
    const list = expectStatus(
      await sys.app.inject({ url: `/api/v1/disputes/${id}/attachments`, headers: mediator }),
      200,
    );
    const items = list.items as Array<{ id: string; sha256: string; name: string }>;
    expect(items).toHaveLength(2);
    for (const item of items) {
      const file = await sys.app.inject({ url: `/api/v1/disputes/${id}/attachments/${item.id}`, headers: mediator });
      expect(file.statusCode).toBe(200);
      expect(sha256(file.rawPayload)).toBe(item.sha256);
      expect(evidence.map((e) => e.sha256)).toContain(item.sha256);
      expect(file.rawPayload.includes(LATITUDE)).toBe(false);
    }
    if (moto) {
      // The bytes are in the bucket, not in PostgreSQL.
      const [count] = await sys.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ n: string }>>(
          `select count(*) as n from attachment_chunks c join attachments a on a.storage_key = c.storage_key where a.dispute_id = ?`,
          [id],
        );
      expect(Number(count!.n)).toBe(0);
    }

    // The case file (卷宗): the evidence list, the electronic signature's audit record, the rating.
    const file = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/case-file`, headers: mediator });
    expect(file.statusCode).toBe(200);
    const caseFile = textOf(file.body);
    expect(caseFile).toContain('证据材料');
    expect(caseFile).toContain('货梯夜间.jpg');
    expect(caseFile).toContain('噪音记录.jpg');
    for (const item of items) expect(caseFile).toContain(item.sha256.slice(0, 12));
    expect(caseFile).toContain('电子签名');
    expect(caseFile).toContain(hash);
    expect(caseFile).toContain('当事人自评满意度');
    expect(caseFile).toMatch(/5 \/ 5.{0,3}货梯已加装隔音/);
    // Kept for the replay test: evidence, an electronic signature and a party's rating (new handlers, no new command).
    if (!moto) await recordHistory(sys.temporalAddress, workflowIdFor(id), 'parties-in-the-loop');
    // Every SMS went through the signed gateway, and none twice.
    const keys = receiver.to(RESIDENT).map((m) => m.key);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
