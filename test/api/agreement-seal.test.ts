/** A sealed agreement cannot be changed, and anyone holding a copy can verify it. */
import { apiOf } from '../helpers/api';
import { agreedTerms, taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let number: string;
let sha256: string;
let html: string;
let code: string;

beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
  const created = await api.create(taoliLiftNoise());
  const mediator = await api.as('mediator@yufuci-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
  await api.act(created.id, 'resolve', agreedTerms(), mediator);
  await api.act(created.id, 'sign', { signer: 'party:0', method: 'fingerprint', witness: '网格员李某' }, mediator);
  await api.act(created.id, 'sign', { signer: 'party:1', method: 'seal' }, mediator);
  await api.act(created.id, 'sign', { signer: 'mediator', method: 'signature' }, mediator);
  const effective = await api.act(created.id, 'seal', {}, mediator);
  number = effective.agreement.number;
  sha256 = effective.agreement.sha256;
  html = (await sys.app.inject({ url: `/api/v1/disputes/${created.id}/documents/agreement`, headers: mediator })).body;
  // The verification code printed under the number (核验码): verification needs it (test/security/verification.test.ts).
  code = /核验码 ([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})/.exec(html)![1]!;
});
afterAll(() => sys?.close());

const url = () => `/api/v1/agreements/${encodeURIComponent(number)}/verify?code=${code}`;

it('verifies by number, with no credentials, showing who signed when, masked', async () => {
  const res = expectStatus(await sys.app.inject({ url: url() }), 200);
  expect(res).toMatchObject({ number, valid: true, checked: 'record', sha256, committee: '渔父祠社区人民调解委员会' });
  expect(res.signers).toEqual([
    expect.objectContaining({ signer: 'party:0', name: '陈*', method: 'fingerprint', witness: '网**' }),
    expect.objectContaining({ signer: 'party:1', name: '常**', method: 'seal' }),
    expect.objectContaining({ signer: 'mediator', method: 'signature' }),
  ]);
  expect(JSON.stringify(res)).not.toContain('陈某');
});

it('checks the hash printed on a copy, and the copy itself', async () => {
  expect(expectStatus(await sys.app.inject({ url: `${url()}&sha256=${sha256.toUpperCase()}` }), 200)).toMatchObject({
    valid: true,
    checked: 'hash',
  });
  expect(expectStatus(await sys.app.inject({ url: `${url()}&sha256=${'0'.repeat(64)}` }), 200)).toMatchObject({
    valid: false,
    checked: 'hash',
  });
  const same = expectStatus(await sys.app.inject({ method: 'POST', url: url(), payload: { html } }), 200);
  expect(same).toMatchObject({ valid: true, checked: 'document' });
  const tampered = html.replace('人民币壹万贰仟元整', '人民币贰万贰仟元整');
  expect(tampered).not.toBe(html);
  expect(
    expectStatus(await sys.app.inject({ method: 'POST', url: url(), payload: { html: tampered } }), 200),
  ).toMatchObject({ valid: false, checked: 'document' });
  expect(
    (
      await sys.app.inject({
        url: `/api/v1/agreements/${encodeURIComponent('（2026）无人调字第999号')}/verify?code=${code}`,
      })
    ).statusCode,
  ).toBe(404);
});

it('is refused by the database itself: a sealed agreement cannot be updated or deleted', async () => {
  await expect(
    sys.orm.em.fork().execute(`update agreements set html = 'forged' where number = ?`, [number]),
  ).rejects.toThrow(/sealed/);
  await expect(sys.orm.em.fork().execute('delete from agreements where number = ?', [number])).rejects.toThrow(
    /sealed/,
  );
  expect(expectStatus(await sys.app.inject({ url: url() }), 200).valid).toBe(true);
});
