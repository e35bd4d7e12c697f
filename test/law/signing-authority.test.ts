/**
 * Who signs and seals (issue 21, item 1; 人民调解法 Art. 8, 19, 29; domain/committee.ts): only the
 * holding committee's own mediators sign, each as themself and once; staff of a unit above, admins
 * and integrators may not sign or seal for it (403); the seal is its 主任's or a member's it
 * authorised (the admin records it); the seal comes last (422 until every party and a mediator
 * have signed); the documents name who signed as mediator and who recorded each signature (记录人).
 */
import { apiOf, type Headers } from '../helpers/api';
import { TEST_PASSWORD } from '../helpers/run-state';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

/** Two neighbours of 汪家桥社区 (its first grid), settled by the community's committee. */
const report = () => ({
  gridCode: 'wangjiaqiao-g1',
  category: 'neighbour',
  title: '邻里漏水赔偿纠纷',
  description: '楼上住户卫生间漏水，浸湿楼下住户天花板，双方就维修和赔偿发生争执。',
  parties: [
    { name: '赵某', role: 'applicant', kind: 'person', age: 45 },
    { name: '钱某', role: 'respondent', kind: 'person', age: 52 },
  ],
  channel: '580-app',
});
const terms = {
  facts: '钱某卫生间防水层老化，渗水浸湿赵某天花板。',
  matters: '维修责任和赔偿金额。',
  responsibilities: '钱某负全部责任。',
  terms: [
    {
      text: '钱某修复卫生间防水层并赔偿赵某天花板修复费用',
      obligor: '钱某',
      amountFen: 150_000,
      method: '现金支付',
      place: '汪家桥社区调委会',
      dueDate: '2027-01-20',
    },
  ],
};

async function drafted(mediator: Headers): Promise<string> {
  const created = await api.create(report());
  expect(created.unit.code).toBe('wangjiaqiao-community');
  await api.act(created.id, 'accept', {}, mediator);
  await api.consentAll(created.id, mediator);
  await api.act(created.id, 'resolve', terms, mediator);
  return created.id as string;
}

it("refuses staff of a unit above, admins and integrators: they neither sign nor seal for the community's committee", async () => {
  const mediator = await api.as('mediator@wangjiaqiao-community');
  const id = await drafted(mediator);
  const outsiders: Record<string, Headers> = {
    admin: await api.as('admin'),
    'mediator@wangjiaqiao-street': await api.as('mediator@wangjiaqiao-street'),
    'supervisor@wangjiaqiao-street': await api.as('supervisor@wangjiaqiao-street'),
    'supervisor@jinshi': await api.as('supervisor@jinshi'),
    integrator: api.integrator,
  };
  for (const [who, headers] of Object.entries(outsiders)) {
    for (const body of [
      { signer: 'mediator', method: 'signature' },
      { signer: 'party:0', method: 'fingerprint' },
    ]) {
      const res = await api.tryAct(id, 'sign', body, headers);
      expect([who, body.signer, res.statusCode]).toEqual([who, body.signer, 403]);
      expect(res.json().detail).toContain('只有汪家桥社区人民调解委员会的人民调解员可以在其调解协议上签名或记录签名');
      expect(res.json().detail).toContain("People's Mediation Law Art. 19, 29");
    }
    const seal = await api.tryAct(id, 'seal', {}, headers);
    expect([who, seal.statusCode]).toEqual([who, 403]);
    expect(seal.json().detail).toContain('汪家桥社区人民调解委员会的印章由该委员会主任或经其授权的委员加盖');
  }
  // Nothing was recorded.
  expect((await api.get(id, mediator)).agreement.signatures).toEqual([]);
});

it('takes several mediators of the committee, each as themself and once; the seal last, by the 主任 or an authorised member', async () => {
  const mediator = await api.as('mediator@wangjiaqiao-community');
  const director = await api.as('supervisor@wangjiaqiao-community');
  const admin = await api.as('admin');
  // A member of the committee without the seal: an account the admin creates, then authorises.
  const member = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/users',
      headers: admin,
      payload: {
        username: `member-${Date.now()}@wangjiaqiao-community`,
        password: TEST_PASSWORD,
        displayName: '汪家桥社区调解员丙',
        role: 'mediator',
        unitCode: 'wangjiaqiao-community',
      },
    }),
    201,
  );
  expect(member.sealAuthorised).toBe(false);
  const memberHeaders = { authorization: `Bearer ${await sys.login(member.username)}` };
  const id = await drafted(mediator);

  await api.act(id, 'sign', { signer: 'party:0', method: 'fingerprint', witness: '网格员孙某' }, mediator);
  // The seal comes last: refused while a party and the mediators have not signed.
  const early = await api.tryAct(id, 'seal', {}, director);
  expect(early.statusCode).toBe(422);
  expect(early.json().detail).toBe(
    '各方当事人和人民调解员签名后方可加盖人民调解委员会印章，尚未签名：钱某、人民调解员（人民调解法第二十九条） / ' +
      "the committee's seal comes last, after every party and a mediator have signed; still to sign: 钱某, a mediator " +
      "(People's Mediation Law Art. 29)",
  );
  await api.act(id, 'sign', { signer: 'party:1', method: 'signature' }, memberHeaders);
  // The acting mediator signs as themself, not as whoever accepted the case.
  const first = await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, memberHeaders);
  expect(first.agreement.signatures.at(-1)).toMatchObject({ signer: 'mediator', name: '汪家桥社区调解员丙' });
  const again = await api.tryAct(id, 'sign', { signer: 'mediator', method: 'signature' }, memberHeaders);
  expect(again.statusCode).toBe(422);
  expect(again.json().detail).toContain('人民调解员汪家桥社区调解员丙已在本协议上签名，不能重复签名');
  // Another mediator of the committee adds theirs (Art. 19: one or several mediators).
  await api.act(id, 'sign', { signer: 'mediator', method: 'signature' }, director);

  // A member without the committee's authorisation does not seal; the admin records it, then they do.
  const unauthorised = await api.tryAct(id, 'seal', {}, memberHeaders);
  expect(unauthorised.statusCode).toBe(403);
  expect(unauthorised.json().detail).toContain('汪家桥社区调解员丙无权用印');
  const authorised = expectStatus(
    await sys.app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/users/${member.id}`,
      headers: admin,
      payload: { sealAuthorised: true },
    }),
    200,
  );
  expect(authorised.sealAuthorised).toBe(true);
  const effective = await api.act(id, 'seal', {}, memberHeaders);
  expect(effective.stage).toBe('follow_up');
  expect(effective.agreement.number).toMatch(/^（2026）汪社人调字第\d+号$/);

  // The documents name who signed as mediator (not who accepted the case) and who recorded (记录人).
  const agreement = (await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/agreement`, headers: mediator }))
    .body;
  const mediatorCell = /<td>人民调解员（签名）：<br>(.*?)<\/td>/.exec(agreement)?.[1];
  expect(mediatorCell).toMatch(/^汪家桥社区调解员丙（2026年\d+月\d+日）<br>汪家桥社区主任（2026年\d+月\d+日）$/);
  expect(mediatorCell).not.toContain('汪家桥社区调解员（');
  expect(/<td>记录人（签名）：<br>(.*?)<\/td>/.exec(agreement)?.[1]).toBe(
    '汪家桥社区调解员、汪家桥社区调解员丙、汪家桥社区主任',
  );
  expect(agreement).toMatch(/赵某（按指印，2026年\d+月\d+日，见证人：网格员孙某，记录人：汪家桥社区调解员）/);
  expect(agreement).toMatch(/钱某（签名，2026年\d+月\d+日，记录人：汪家桥社区调解员丙）/);
  const certificate = (await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/certificate`, headers: mediator }))
    .body;
  expect(certificate).toContain('<th>记录人</th>');
  expect(certificate).toMatch(/<td>人民调解员<\/td><td>汪家桥社区主任<\/td>.*?<td>汪家桥社区主任<\/td><\/tr>/);
  const english = (
    await sys.app.inject({ url: `/api/v1/disputes/${id}/documents/agreement?lang=en`, headers: mediator })
  ).body;
  expect(english).toContain('recorded by 汪家桥社区调解员丙');
});

it('keeps the authorisation to the committee’s own mediators', async () => {
  const admin = await api.as('admin');
  const users = expectStatus(await sys.app.inject({ url: '/api/v1/admin/users', headers: admin }), 200).items as Array<{
    id: string;
    username: string;
  }>;
  const rep = users.find((u) => u.username === 'rep@safety-station')!;
  const res = await sys.app.inject({
    method: 'PATCH',
    url: `/api/v1/admin/users/${rep.id}`,
    headers: admin,
    payload: { sealAuthorised: true },
  });
  expect(res.statusCode).toBe(400);
  expect(res.json().detail).toContain('只有调解委员会的调解员可以被授权加盖印章');
});
