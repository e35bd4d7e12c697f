/**
 * 人民调解法第二十九条: a mediation agreement takes effect once every party has signed, sealed or put
 * a fingerprint on it, the mediator has signed and the committee's seal is affixed, and not before.
 * The seal comes last (domain/committee.ts): each order of the three signatures of a two-party
 * agreement (party:0, party:1, mediator), then the seal, on a case of its own: after every piece but
 * the seal the agreement is a draft (no number, no row in the agreements table, the case still
 * awaiting signatures, no certificate or judicial-confirmation application, the document marked 草稿,
 * no agreement_effective event); the moment the seal lands it is effective. A seal before every
 * party and a mediator have signed is refused (test/law/signing-authority.test.ts).
 */
import { AgreementRecord } from '../../db/entities';
import { apiOf, type Headers } from '../helpers/api';
import { agreedTerms, taoliLiftNoise, wangjiaqiaoMaintenanceFund } from '../helpers/fixtures';
import { startSystem, type TestSystem } from '../helpers/system';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

type Piece = 'party:0' | 'party:1' | 'party:2' | 'mediator' | 'seal';
const PIECE_NAME: Record<Piece, string> = {
  'party:0': '申请人签名',
  'party:1': '被申请人签名',
  'party:2': '第三人签名',
  mediator: '调解员签名',
  seal: '调委会印章',
};

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** Lands one piece; the case as it then stands. */
async function land(id: string, piece: Piece, mediator: Headers) {
  if (piece === 'seal') return api.act(id, 'seal', {}, mediator);
  const method = piece === 'mediator' ? 'signature' : piece === 'party:0' ? 'fingerprint' : 'seal';
  return api.act(
    id,
    'sign',
    { signer: piece, method, ...(piece === 'party:0' ? { witness: '网格员李某' } : {}) },
    mediator,
  );
}

const doc = (id: string, kind: string, headers: Headers) =>
  sys.app.inject({ url: `/api/v1/disputes/${id}/documents/${kind}`, headers });

/** Everything a user or the record would show of the agreement's effect. */
async function effectOf(id: string, stood: Record<string, any>, mediator: Headers) {
  const [rows, events, agreement, certificate, judicial] = await Promise.all([
    sys.orm.em.fork().find(AgreementRecord, { disputeId: id }),
    api.events(id, mediator),
    doc(id, 'agreement', mediator),
    doc(id, 'certificate', mediator),
    doc(id, 'judicial-confirmation', mediator),
  ]);
  return {
    stage: stood.stage,
    number: stood.agreement?.number,
    effectiveAt: stood.agreement?.effectiveAt,
    rows: rows.map((r) => r.number),
    effectiveEvents: events.filter((e) => e.type === 'agreement_effective').length,
    draft:
      agreement.statusCode === 200 &&
      agreement.body.includes('草稿：各方当事人、人民调解员签名并加盖人民调解委员会印章后生效'),
    numbered: /人调字第\d+号/.test(agreement.body),
    certificate: certificate.statusCode,
    judicial: judicial.statusCode,
  };
}

const NOT_EFFECTIVE = {
  stage: 'awaiting_signatures',
  number: undefined,
  effectiveAt: undefined,
  rows: [],
  effectiveEvents: 0,
  draft: true,
  numbered: false,
  certificate: 404,
  judicial: 404,
};

function effective(number: string) {
  return {
    stage: 'follow_up',
    number,
    effectiveAt: expect.any(String),
    rows: [number],
    effectiveEvents: 1,
    draft: false,
    numbered: true,
    certificate: 200,
    judicial: 200,
  };
}

/** Drives a drafted agreement through `order`, checking the effect after every piece. */
async function drive(id: string, order: readonly Piece[], mediator: Headers): Promise<string> {
  const missing = new Set(order);
  for (const [i, piece] of order.entries()) {
    const stood = await land(id, piece, mediator);
    missing.delete(piece);
    const seen = await effectOf(id, stood, mediator);
    if (i < order.length - 1) {
      // The label names what is still missing, so that a failure reads as the rule it breaks.
      expect({ missing: [...missing].map((p) => PIECE_NAME[p]), ...seen }).toEqual({
        missing: [...missing].map((p) => PIECE_NAME[p]),
        ...NOT_EFFECTIVE,
      });
    } else {
      expect(stood.agreement.number).toMatch(/^（\d{4}）.+人调字第\d+号$/);
      expect({ last: PIECE_NAME[piece], ...seen }).toEqual({
        last: PIECE_NAME[piece],
        ...effective(stood.agreement.number),
      });
    }
  }
  return id;
}

// The seal comes last (人民调解法 Art. 29; domain/committee.ts): the signatures in every order, then the seal.
describe('a two-party agreement takes effect with the seal after the three signatures, in every order', () => {
  const ORDERS = permutations<Piece>(['party:0', 'party:1', 'mediator']).map((o) => [...o, 'seal' as const]);
  it('has 6 orders to try', () => expect(ORDERS).toHaveLength(6));

  it.each(ORDERS.map((order) => [order.join(' → '), order] as const))('%s', async (_, order) => {
    const mediator = await api.as('mediator@yufuci-community');
    const created = await api.create(taoliLiftNoise());
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
    const drafted = await api.act(created.id, 'resolve', agreedTerms(), mediator);
    expect(await effectOf(created.id, drafted, mediator)).toEqual(NOT_EFFECTIVE);
    await drive(created.id, order, mediator);
    // The frozen agreement is the one a party holds: the effective document carries the number and no draft mark.
    const frozen = await doc(created.id, 'agreement', mediator);
    expect(frozen.body).toContain('渔父祠社区人民调解委员会（印）　已加盖');
  });
});

describe('a three-party agreement (the 汪家桥 maintenance fund)', () => {
  it('is not effective while one party of three has not signed, with the mediator, the seal and the other two parties on it', async () => {
    const mediator = await api.as('mediator@wangjiaqiao-community');
    // The seed's two parties and a third (the lift maintenance company); the reporter 程某 is no party.
    const report = wangjiaqiaoMaintenanceFund();
    const created = await api.create({
      ...report,
      parties: [
        ...report.parties,
        {
          name: '某电梯维保有限公司',
          role: 'third_party',
          kind: 'organisation',
          orgType: 'legal_person',
          representative: '吴某',
        },
      ],
    });
    await api.act(created.id, 'accept', {}, mediator);
    await api.consentAll(created.id, mediator); // 人民调解法 Art. 17, 20, 23–24
    await api.act(
      created.id,
      'resolve',
      {
        facts: '电梯与外墙存在安全隐患。',
        matters: '维修基金使用程序。',
        responsibilities: '物业公司组织维修。',
        terms: [
          {
            text: '业委会于十五日内召开业主大会表决维修基金使用方案',
            obligor: '某小区业主委员会',
            method: '召开业主大会表决',
            dueDate: '2026-12-31',
          },
        ],
      },
      mediator,
    );
    let stood: Record<string, any> = {};
    for (const piece of ['party:0', 'mediator', 'party:2'] as const) stood = await land(created.id, piece, mediator);
    expect(await effectOf(created.id, stood, mediator)).toEqual(NOT_EFFECTIVE);
    // The seal waits for the last party: refused, naming who is still to sign.
    const early = await api.tryAct(created.id, 'seal', {}, mediator);
    expect(early.statusCode).toBe(422);
    expect(early.json().detail).toContain('尚未签名：津市市某物业服务有限公司');
    await drive(created.id, ['party:1', 'seal'], mediator);
  });
});
