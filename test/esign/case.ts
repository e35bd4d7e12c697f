/** A case of two neighbours with phones on file, driven to awaiting signatures, and the staff's signing link. */
import type { apiOf, Headers } from '../helpers/api';
import type { TestSystem } from '../helpers/system';

export const PHONE_ZHAO = '13800001111';
export const PHONE_QIAN = '13900002222';

/** The agreement they reach. */
export const TERMS = {
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

/** Two neighbours of 汪家桥社区 with phones on file, their agreement drafted for signature. */
export async function drafted(
  s: ReturnType<typeof apiOf>,
  m: Headers,
  parties: object[] = [
    { name: '赵某', role: 'applicant', kind: 'person', age: 45, phone: PHONE_ZHAO },
    {
      name: '钱某',
      role: 'respondent',
      kind: 'person',
      age: 52,
      phone: PHONE_QIAN,
      address: '汪家桥社区和平路18号3栋501室',
    },
  ],
): Promise<string> {
  const created = await s.create({
    gridCode: 'wangjiaqiao-g1',
    category: 'neighbour',
    title: '邻里漏水赔偿纠纷',
    description: '楼上住户卫生间漏水，浸湿楼下住户天花板，双方就维修和赔偿发生争执。',
    parties,
    channel: '580-app',
  });
  await s.act(created.id, 'accept', {}, m);
  await s.consentAll(created.id, m);
  await s.act(created.id, 'resolve', TERMS, m);
  return created.id as string;
}

export async function signingLink(system: TestSystem, id: string, index: number, headers: Headers, body: object = {}) {
  return system.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${id}/parties/${index}/signing-link`,
    headers,
    payload: body,
  });
}
