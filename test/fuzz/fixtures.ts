/**
 * The fuzz run's fixtures, made through the API itself before schemathesis starts (see harness.ts):
 * staff tokens, a sealed agreement and its verification code (so the verification routes and every
 * document kind have something real to render), a few open cases, a throwaway staff session for
 * /auth/logout, and a user and an API key that the fuzzer may change or revoke (so it never locks
 * out the credentials it runs with).
 */
export interface Fixtures {
  adminToken: string;
  integratorKey: string;
  /** A staff session that /auth/logout may end. */
  logoutToken: string;
  caseIds: string[];
  agreementNumbers: string[];
  /** The verification codes (核验码) printed on those agreements: verification needs one. */
  agreementCodes: string[];
  userId: string;
  apiKeyId: string;
  webhookId: string;
  alertIds: string[];
  slaPolicyIds: number[];
  unitCodes: string[];
  agencyCodes: string[];
}

type Json = Record<string, any>;

async function call(
  baseUrl: string,
  method: string,
  url: string,
  token: string,
  body?: unknown,
  expect = 200,
): Promise<Json> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== expect)
    throw new Error(`fuzz fixtures: ${method} ${url} answered ${res.status}, expected ${expect}: ${text}`);
  return text ? (JSON.parse(text) as Json) : {};
}

async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200)
    throw new Error(`fuzz fixtures: login ${username} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

const PARTIES = [
  { name: '陈某', role: 'applicant', sex: 'female', phone: '13800000000', idNumber: '43070219800101002X' },
  { name: '某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
];

/** Makes the fixtures through the API (the system must be running with the demo seed). */
export async function makeFixtures(baseUrl: string, opts: { apiKey: string; password: string }): Promise<Fixtures> {
  const adminToken = await login(baseUrl, 'admin', opts.password);
  const mediator = await login(baseUrl, 'mediator@yufuci-community', opts.password);
  const logoutToken = await login(baseUrl, 'grid@yufuci-taoli', opts.password);
  const key = opts.apiKey;

  const report = (title: string, extra: Json = {}) =>
    call(
      baseUrl,
      'POST',
      '/api/v1/disputes',
      key,
      {
        gridCode: 'yufuci-taoli',
        category: 'noise',
        title,
        description: `${title}：夜间噪音影响休息。`,
        parties: PARTIES,
        channel: 'grid-patrol',
        ...extra,
      },
      201,
    );
  const act = (id: string, action: string, body: Json, token = mediator) =>
    call(baseUrl, 'POST', `/api/v1/disputes/${id}/signals/${action}`, token, body);

  // A case through to its sealed agreement (follow_up), one in mediation, one waiting, one high-risk.
  const sealed = (await report('小吃店货梯噪音扰民')).id as string;
  await act(sealed, 'accept', {});
  // The parties' will on record before an agreement (人民调解法 Art. 17, 23–24).
  await act(sealed, 'record-consent', { party: 0, consented: true, manner: 'by_application', rightsNotice: 'written' });
  await act(sealed, 'record-consent', { party: 1, consented: true, manner: 'oral', rightsNotice: 'written' });
  await act(sealed, 'resolve', {
    facts: '小吃店货梯夜间运行噪音大。',
    matters: '货梯运行时间与隔音。',
    responsibilities: '小吃店负责整改。',
    terms: [
      {
        text: '小吃店于22时后停用货梯，并加装隔音垫。',
        obligor: '某小吃店',
        amountFen: 50000,
        method: '现金',
        place: '渔父祠社区',
        dueDate: '2026-12-31',
      },
    ],
  });
  await act(sealed, 'sign', { signer: 'party:0', method: 'signature' });
  await act(sealed, 'sign', { signer: 'party:1', method: 'seal', witness: '李某' });
  await act(sealed, 'sign', { signer: 'mediator', method: 'signature' });
  const effective = await act(sealed, 'seal', {});
  const agreementNumber = effective.agreement?.number as string | undefined;
  if (!agreementNumber)
    throw new Error(`fuzz fixtures: the sealed case has no agreement number: ${JSON.stringify(effective.agreement)}`);
  // The verification code, as printed on the sealed agreement.
  const printed = await fetch(`${baseUrl}/api/v1/disputes/${sealed}/documents/agreement`, {
    headers: { authorization: `Bearer ${mediator}` },
  }).then((res) => res.text());
  const agreementCode = /核验码 ([0-9A-Z]{5}(?:-[0-9A-Z]{5}){3})/.exec(printed)?.[1];
  if (!agreementCode) throw new Error('fuzz fixtures: the sealed agreement prints no verification code');

  const inMediation = (await report('邻里漏水纠纷', { category: 'neighbour' })).id as string;
  await act(inMediation, 'accept', {});
  const waiting = (await report('物业维修基金使用争议', { category: 'property' })).id as string;
  const highRisk = (await report('邻居扬言报复', { highRisk: true, priority: 'urgent' })).id as string;

  const user = await call(
    baseUrl,
    'POST',
    '/api/v1/admin/users',
    adminToken,
    {
      username: 'fuzz-target',
      password: 'fuzz-target-password',
      displayName: '模糊测试账号',
      role: 'mediator',
      unitCode: 'yufuci-community',
    },
    201,
  );
  const apiKey = await call(baseUrl, 'POST', '/api/v1/admin/api-keys', adminToken, { name: 'fuzz target' }, 201);
  const webhook = await call(
    baseUrl,
    'POST',
    '/api/v1/webhooks',
    key,
    { url: 'https://93.184.216.34/fengqiao', events: ['deadline_breached'] },
    201,
  );
  const alerts = await call(baseUrl, 'GET', '/api/v1/alerts?limit=20', adminToken);
  const policies = await call(baseUrl, 'GET', '/api/v1/admin/sla-policies', adminToken);
  const units = await call(baseUrl, 'GET', '/api/v1/units', adminToken);
  const agencies = await call(baseUrl, 'GET', '/api/v1/agencies', adminToken);

  return {
    adminToken,
    integratorKey: key,
    logoutToken,
    caseIds: [sealed, inMediation, waiting, highRisk],
    agreementNumbers: [agreementNumber],
    agreementCodes: [agreementCode],
    userId: user.id as string,
    apiKeyId: apiKey.id as string,
    webhookId: webhook.id as string,
    alertIds: (alerts.items as Array<{ id: string }>).map((a) => a.id),
    slaPolicyIds: (policies.items as Array<{ id: number }>).map((p) => p.id),
    unitCodes: (units.items as Array<{ code: string }>).map((u) => u.code),
    agencyCodes: (agencies.items as Array<{ code: string }>).map((a) => a.code),
  };
}
