/**
 * Agreement numbers are sequential (（2026）渔人调字第12号), so a public check by number alone let anyone
 * enumerate every agreement. Verification now needs the agreement's verification code (核验码),
 * printed on the agreement and its certificate and carried by the certificate's QR code; without it,
 * or with a wrong one, the answer is exactly that of a number that does not exist, and guessing is
 * limited per client address. Agreements sealed before codes existed verify with the code their
 * re-printed certificate carries.
 */
import QRCode from 'qrcode';
import type { LightMyRequestResponse } from 'fastify';
import { canonicalAgreement } from '../../activities/agreements';
import { sha256Hex } from '../../security/credentials';
import { apiOf } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

/** Verification is limited like logins (RATE_LIMIT_LOGIN_PER_IP): this many a minute per address. */
const PER_MINUTE = 10;
const CODE = /核验码 ([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})/;

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let mediator: Record<string, string>;
let caseId: string;
let number: string;
let sha256: string;
let original: string;
let code: string;

/** A case with every signature but the seal. */
async function readyToSeal(title: string): Promise<string> {
  const created = await api.create({ ...taoliLiftNoise(), title });
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(created.id, 'resolve', agreedTerms(), mediator);
  await api.act(created.id, 'sign', { signer: 'party:0', method: 'fingerprint', witness: '网格员李某' }, mediator);
  await api.act(created.id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
  await api.act(created.id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  return created.id;
}
/** A document as the mediator prints it. */
async function doc(id: string, kind: string, query = ''): Promise<string> {
  const res = await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}${query}`, headers: mediator });
  if (res.statusCode !== 200) throw new Error(`${kind}: ${res.statusCode} ${res.body}`);
  return res.body;
}
const verifyUrl = (n: string, query = '') => `/api/v1/agreements/${encodeURIComponent(n)}/verify${query}`;
/** A verification request from a client address of its own (the limit per address is the third test's). */
let clients = 0;
const check = (opts: { url: string; method?: 'GET' | 'POST'; payload?: object }) =>
  sys.app.inject({ ...opts, remoteAddress: `192.0.2.${(clients += 1) % 250}` });
/** What a caller sees of a refusal, with the number it names and the per-request fields set aside. */
const seen = (res: LightMyRequestResponse, n: string) => {
  const { instance: _instance, requestId: _requestId, ...body } = res.json();
  return {
    status: res.statusCode,
    type: res.headers['content-type'],
    body: JSON.parse(JSON.stringify(body).split(JSON.stringify(n).slice(1, -1)).join('<number>')),
  };
};

beforeAll(async () => {
  sys = await startSystem({ rateLimits: { perKey: 1e6, perIp: 1e6, loginPerIp: PER_MINUTE } });
  api = apiOf(sys);
  mediator = await api.as('mediator@yufuci-community');
  caseId = await readyToSeal('核验码测试');
  const effective = await api.act(caseId, 'seal', {}, mediator);
  number = effective.agreement.number;
  sha256 = effective.agreement.sha256;
  original = await doc(caseId, 'agreement');
  code = CODE.exec(original)?.[1] ?? '';
});
afterAll(() => sys?.close());

it('prints a code of at least 80 bits under the number of the sealed agreement, and on its certificate with the QR code', async () => {
  // 20 characters of Crockford base32: 100 bits.
  expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}$/);
  expect(original).toContain(number);
  const certificate = await doc(caseId, 'certificate');
  expect(certificate).toContain(code);
  // Handlebars escapes `=` as &#x3D; in text; a reader sees the plain address.
  const printed = /(https?:\/\/[^<\s]+\/verify\?[^<\s]+)/.exec(
    certificate.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'),
  )?.[1];
  expect(printed).toMatch(
    new RegExp(
      `/api/v1/agreements/${encodeURIComponent(number).replace(/[()%]/g, '\\$&')}/verify\\?code=${code}&sha256=${sha256}$`,
    ),
  );
  // The QR code is that very address.
  expect(certificate).toContain(await QRCode.toString(printed!, { type: 'svg', margin: 1 }));
  expect(await doc(caseId, 'certificate', '?lang=en')).toContain(code);
  expect(await doc(caseId, 'agreement', '?lang=en')).toContain(`Verification code ${code}`);

  // Scanning it verifies the agreement and its hash, with no credentials.
  const scanned = new URL(printed!);
  expect(expectStatus(await check({ url: `${scanned.pathname}${scanned.search}` }), 200)).toMatchObject({
    number,
    valid: true,
    checked: 'hash',
    sha256,
  });
  // Typed by hand: lower case, without the dashes.
  const typed = code.toLowerCase().replace(/-/g, '');
  expect(expectStatus(await check({ url: verifyUrl(number, `?code=${typed}`) }), 200).valid).toBe(true);
  expect(
    expectStatus(
      await check({ method: 'POST', url: verifyUrl(number, `?code=${code}`), payload: { html: original } }),
      200,
    ),
  ).toMatchObject({ valid: true, checked: 'document' });
});

it('answers without the code, or with a wrong one, exactly as for a number that does not exist', async () => {
  const missing = number.replace(/第\d+号/, '第99999号');
  const unknown = seen(await check({ url: verifyUrl(missing) }), missing);
  expect(unknown).toMatchObject({ status: 404, body: { code: 'not_found' } });
  const wrong = code.replace(/^./, (c) => (c === '7' ? '8' : '7'));
  for (const query of ['', `?code=${wrong}`, '?code=', `?sha256=${sha256}`, `?code=${wrong}&sha256=${sha256}`]) {
    expect([query, seen(await check({ url: verifyUrl(number, query) }), number)]).toEqual([query, unknown]);
    expect([query, seen(await check({ url: verifyUrl(missing, query) }), missing)]).toEqual([query, unknown]);
  }
  // The document itself does not stand in for the code.
  const upload = await check({ method: 'POST', url: verifyUrl(number), payload: { html: original } });
  expect(seen(upload, number)).toEqual(unknown);
  // Walking the sequence of numbers tells nothing: every one is the same 404, the real one included.
  const answers = new Set<string>();
  for (let i = 1; i <= 12; i++) {
    const n = number.replace(/第\d+号/, `第${i}号`);
    answers.add(JSON.stringify(seen(await check({ url: verifyUrl(n) }), n)));
  }
  expect([...answers]).toEqual([JSON.stringify(unknown)]);
});

it('limits guessing codes per client address, as logins are limited', async () => {
  const guesser = '198.51.100.7';
  const statuses: number[] = [];
  for (let i = 0; i <= PER_MINUTE; i++) {
    const guess = `${String(i).padStart(5, '0')}-00000-00000-00000`;
    statuses.push(
      (await sys.app.inject({ url: verifyUrl(number, `?code=${guess}`), remoteAddress: guesser })).statusCode,
    );
  }
  expect(statuses).toEqual([...Array<number>(PER_MINUTE).fill(404), 429]);
  const limited = await sys.app.inject({ url: verifyUrl(number, `?code=${code}`), remoteAddress: guesser });
  expect(limited.statusCode).toBe(429);
  expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  // Someone else, holding the document, is not held up.
  expect(
    (await sys.app.inject({ url: verifyUrl(number, `?code=${code}`), remoteAddress: '203.0.113.9' })).statusCode,
  ).toBe(200);
});

it('verifies an agreement sealed before codes existed with the code on its re-printed certificate', async () => {
  // Sealed the old way: the frozen document without a code (the case's draft, as it was rendered then).
  const id = await readyToSeal('旧协议核验');
  const view = await api.get(id, mediator);
  const oldHtml = await doc(id, 'agreement');
  expect(oldHtml).not.toMatch(CODE);
  const oldNumber = `（2025）渔人调字第${Date.now() % 100000}号`;
  const signatures = view.agreement.signatures;
  const oldSha = sha256Hex(canonicalAgreement(oldNumber, oldHtml, signatures));
  await sys.orm.em
    .fork()
    .execute(
      'insert into agreements (number, dispute_id, round, html, signatures, sha256, effective_at) values (?, ?, 1, ?, ?, ?, now())',
      [oldNumber, id, oldHtml, JSON.stringify(signatures), oldSha],
    );
  // Sealing finds it stored (as a retry would) and keeps it as it is.
  const sealed = await api.act(id, 'seal', {}, mediator);
  expect([sealed.agreement.number, sealed.agreement.sha256]).toEqual([oldNumber, oldSha]);
  expect(await doc(id, 'agreement')).toBe(oldHtml);

  const certificate = await doc(id, 'certificate');
  const reprinted = /<p class="hash">([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})<\/p>/.exec(certificate)?.[1];
  expect(reprinted).toEqual(expect.any(String));
  expect(certificate.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&')).toContain(
    `verify?code=${reprinted}&sha256=${oldSha}`,
  );
  expect(expectStatus(await check({ url: verifyUrl(oldNumber, `?code=${reprinted}`) }), 200)).toMatchObject({
    number: oldNumber,
    valid: true,
  });
  expect(
    expectStatus(
      await check({
        method: 'POST',
        url: verifyUrl(oldNumber, `?code=${reprinted}`),
        payload: { html: oldHtml },
      }),
      200,
    ),
  ).toMatchObject({ valid: true, checked: 'document' });
  expect((await check({ url: verifyUrl(oldNumber) })).statusCode).toBe(404);
});
