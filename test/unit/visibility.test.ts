/**
 * The field-visibility table (security/visibility.ts) applied to the seed article's street case, and
 * the masked copies of every document rendered from it: each reader gets exactly their row of the
 * table, each copy is marked as one, and the originals stay as they are (test/golden).
 */
import { AUDIENCES, FIELD_VISIBILITY, caseFor, eventFor, type Audience } from '../../security/visibility';
import {
  agreementModel,
  certificateModel,
  followUpModel,
  intakeModel,
  judicialModel,
  recordModel,
  summonsModel,
  type DocumentContext,
} from '../../templates/models';
import { createRenderer, type DocumentKind } from '../../templates/render';
import { WANGJIAQIAO } from '../helpers/golden-cases';

const renderer = createRenderer();
const PHONE = '13907360001';
const ID = '430781196801011234';

/** Every document of the case as a masked copy for `audience`, in `lang`. */
function copies(audience: Audience, lang: 'zh-CN' | 'en' = 'zh-CN'): Record<string, string> {
  const view = caseFor(audience, WANGJIAQIAO);
  const a = WANGJIAQIAO.agreement!;
  // The sealed record's signatures, as the documents route passes them: masked like the case's.
  const frozen = {
    number: a.number!,
    sha256: 'f'.repeat(64),
    effectiveAt: a.effectiveAt!,
    signatures: view.agreement!.signatures,
  };
  const ctx: DocumentContext = { lang, masked: true, copy: { number: a.number!, sha256: frozen.sha256 }, frozen };
  const out: Record<string, string> = {
    agreement: renderer.render('agreement', agreementModel(view, frozen, lang, ctx.copy), lang),
  };
  const models: Array<[DocumentKind, (v: typeof view, c: DocumentContext) => object | undefined]> = [
    ['intake', intakeModel],
    ['summons', summonsModel],
    ['record', recordModel],
    ['follow-up', followUpModel],
    ['judicial-confirmation', judicialModel],
    ['certificate', certificateModel],
  ];
  for (const [kind, model] of models) out[kind] = renderer.render(kind, model(view, ctx), lang);
  return out;
}

it('gives the holder the case as it is', () => {
  expect(caseFor('holder', WANGJIAQIAO)).toBe(WANGJIAQIAO);
  expect(Object.values(FIELD_VISIBILITY.holder).every((s) => s === 'full')).toBe(true);
});

it.each(AUDIENCES.filter((a) => a !== 'holder'))('shows a party to %s as its row of the table says', (audience) => {
  const row = FIELD_VISIBILITY[audience];
  const seen = caseFor(audience, WANGJIAQIAO);
  // The reporter (反映人, not a party) is a person like a party: the same row of the table.
  const person = seen.reporter!;
  expect(person.name).toBe(row.name === 'full' ? '程某' : '程*');
  expect(person.relation).toBe('小区业主');
  expect(person.phone).toBe('139****0001');
  expect(person.idNumber).toBe(row.idNumber === 'hidden' ? undefined : '430781********1234');
  expect('idNumber' in person).toBe(row.idNumber !== 'hidden');
  expect(person.address).toBe(row.address === 'full' ? '津市市汪家桥社区某小区2栋' : '津市市汪家桥社区***');
  const [, company] = seen.parties;
  // An organisation's name is not personal data; its representative's is.
  expect(company!.name).toBe('津市市某物业服务有限公司');
  expect(company!.representative).toBe(row.name === 'full' ? '刘某' : '刘*');
  expect(company!.creditCode).toBe('91430781MA4P8Q2K1X');
  // Its 送达地址 is an address; its agent a person with a phone and an identity number.
  expect(company!.serviceAddress).toBe(
    row.address === 'full' ? '津市市汪家桥街道某路88号3栋201室' : '津市市汪家桥街道某路***',
  );
  const [agent] = company!.agents!;
  expect(agent!.name).toBe(row.name === 'full' ? '吴某' : '吴*');
  expect(agent!.phone).toBe('139****0002');
  expect(agent!.idNumber).toBe(row.idNumber === 'hidden' ? undefined : '430781********2345');
  expect('idNumber' in agent!).toBe(row.idNumber !== 'hidden');
  // Signatures: an organisation's seal as it is, an agent named in it as a name; the mediator's (staff) as is.
  const signatures = seen.agreement!.signatures;
  expect(signatures[0]!.name).toBe('某小区业主委员会');
  expect(signatures[1]!.name).toBe(`津市市某物业服务有限公司（委托代理人：${row.name === 'full' ? '吴某' : '吴*'}）`);
  expect(signatures[2]!.name).toBe('汪家桥街道调解员');
});

it.each(AUDIENCES.filter((a) => a !== 'holder'))(
  'renders every document for %s as a marked copy without the numbers',
  (audience) => {
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const [kind, html] of Object.entries(copies(audience, lang))) {
        expect([kind, lang, html.includes(PHONE), html.includes(ID), html.includes('19680101')]).toEqual([
          kind,
          lang,
          false,
          false,
          false,
        ]);
        expect([kind, html.includes(lang === 'en' ? 'Copy (personal data masked)' : '副本（已脱敏）')]).toEqual([
          kind,
          true,
        ]);
        if (FIELD_VISIBILITY[audience].name === 'masked')
          expect([kind, lang, html.includes('程某'), html.includes('刘某')]).toEqual([kind, lang, false, false]);
      }
    }
  },
);

it('masks the history: people in signatures, numbers and names in texts', () => {
  // An organisation's seal, applied by its agent (委托代理人): the agent's name is a person's.
  const signed = {
    type: 'signed',
    payload: {
      signer: 'party:1',
      name: '津市市某物业服务有限公司（委托代理人：吴某）',
      method: 'seal',
      witness: '张三丰',
    },
  };
  expect(eventFor('area', WANGJIAQIAO, signed)).toEqual({
    ...signed.payload,
    name: '津市市某物业服务有限公司（委托代理人：吴*）',
    witness: '张**',
  });
  expect(eventFor('agency', WANGJIAQIAO, signed)).toEqual(signed.payload);
  const sealed = { type: 'signed', payload: { signer: 'party:1', name: '津市市某物业服务有限公司', method: 'seal' } };
  expect(eventFor('public', WANGJIAQIAO, sealed)).toEqual(sealed.payload);
  const note = { type: 'note_added', payload: { text: `程某来电${PHONE}，身份证${ID}` } };
  expect(eventFor('holder', WANGJIAQIAO, note)).toBe(note.payload);
  expect(eventFor('reporter', WANGJIAQIAO, note)).toEqual({ text: '程某来电139****0001，身份证430781********1234' });
  expect(eventFor('agency', WANGJIAQIAO, note)).toEqual({ text: '程某来电139****0001，身份证******************' });
  expect(eventFor('public', WANGJIAQIAO, note)).toEqual({ text: '程*来电139****0001，身份证******************' });
});

describe('the people around a party (民法典 Art. 23, 165)', () => {
  // A minor party with a 法定代理人, an agent and a reporter: every new personal field follows the table.
  const REP_PHONE = '13907369901';
  const REP_ID = '430781198003033456';
  const AGENT_PHONE = '13907369902';
  const AGENT_ID = '430781199004045678';
  const minorCase = {
    ...WANGJIAQIAO,
    parties: [
      {
        name: '程小某',
        role: 'applicant' as const,
        kind: 'person' as const,
        age: 12,
        idNumber: '430781201403011234',
        legalRepresentative: {
          name: '程大某',
          relation: '父亲',
          phone: REP_PHONE,
          idNumber: REP_ID,
          address: '津市市汪家桥社区某小区2栋301室',
        },
        agents: [
          {
            name: '吴律师',
            relation: '律师',
            authority: 'special' as const,
            powerOfAttorney: { reference: '委托书第7号', date: '2026-11-04' },
            phone: AGENT_PHONE,
            idNumber: AGENT_ID,
          },
        ],
      },
      WANGJIAQIAO.parties[1]!,
    ],
  };

  it.each(AUDIENCES.filter((a) => a !== 'holder'))('shows them to %s as its row of the table says', (audience) => {
    const row = FIELD_VISIBILITY[audience];
    const [minor] = caseFor(audience, minorCase).parties;
    const rep = minor!.legalRepresentative!;
    expect(rep.name).toBe(row.name === 'full' ? '程大某' : '程**');
    expect(rep.relation).toBe('父亲');
    expect(rep.phone).toBe('139****9901');
    expect(rep.idNumber).toBe(row.idNumber === 'hidden' ? undefined : '430781********3456');
    expect(rep.address).toBe(row.address === 'full' ? '津市市汪家桥社区某小区2栋301室' : '津市市汪家桥社区***');
    const agent = minor!.agents![0]!;
    expect(agent.name).toBe(row.name === 'full' ? '吴律师' : '吴**');
    expect(agent.phone).toBe('139****9902');
    expect(agent.idNumber).toBe(row.idNumber === 'hidden' ? undefined : '430781********5678');
  });

  it.each(AUDIENCES.filter((a) => a !== 'holder'))('leaves their numbers out of every copy for %s', (audience) => {
    const view = caseFor(audience, minorCase);
    for (const lang of ['zh-CN', 'en'] as const) {
      const ctx: DocumentContext = { lang, masked: true, copy: { number: null, sha256: null } };
      for (const [kind, model] of [
        ['intake', intakeModel],
        ['record', recordModel],
        ['summons', summonsModel],
      ] as const) {
        const html = renderer.render(kind, model(view, ctx), lang);
        const secrets = [REP_PHONE, REP_ID, AGENT_PHONE, AGENT_ID, PHONE, ID, '20140301', '19800303'];
        expect([kind, lang, secrets.filter((s) => html.includes(s))]).toEqual([kind, lang, []]);
        // The representative is printed, as the reader may see the name.
        expect(html).toContain(FIELD_VISIBILITY[audience].name === 'full' ? '程大某' : '程**');
        if (FIELD_VISIBILITY[audience].name === 'masked') expect(html).not.toContain('吴律师');
      }
    }
  });

  it('gives the holder all of it in the register', () => {
    const html = renderer.render('intake', intakeModel(minorCase, { masked: false }), 'zh-CN');
    expect(html).toContain('法定代理人：程大某（父亲），身份证号：430781198003033456');
    expect(html).toContain(
      '委托代理人：吴律师（律师），代理权限：特别授权，授权委托书：委托书第7号（2026年11月4日，已存卷）',
    );
    expect(html).toContain('反映人：程某（小区业主；非纠纷当事人，不在调解协议上签名）');
  });
});
