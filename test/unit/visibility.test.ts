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
  const [person, company] = caseFor(audience, WANGJIAQIAO).parties;
  expect(person!.name).toBe(row.name === 'full' ? '程某' : '程*');
  expect(person!.phone).toBe('139****0001');
  expect(person!.idNumber).toBe(row.idNumber === 'hidden' ? undefined : '430781********1234');
  expect('idNumber' in person!).toBe(row.idNumber !== 'hidden');
  expect(person!.address).toBe(row.address === 'full' ? '津市市汪家桥社区某小区2栋' : '津市市汪家桥社区***');
  expect(person!.age).toBe(row.details === 'full' ? 58 : undefined);
  // An organisation's name is not personal data; its representative's is.
  expect(company!.name).toBe('津市市某物业服务有限公司');
  expect(company!.representative).toBe(row.name === 'full' ? '刘某' : '刘*');
  // Signatures: a party's name and the witness as names are shown; the mediator's (staff) as is.
  const signatures = caseFor(audience, WANGJIAQIAO).agreement!.signatures;
  expect(signatures[0]).toMatchObject({ name: row.name === 'full' ? '程某' : '程*' });
  expect(signatures[1]!.name).toBe('津市市某物业服务有限公司');
  expect(signatures[3]!.name).toBe('汪家桥街道调解员');
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
  const signed = {
    type: 'signed',
    payload: { signer: 'party:0', name: '程某', method: 'signature', witness: '张三丰' },
  };
  expect(eventFor('area', WANGJIAQIAO, signed)).toEqual({ ...signed.payload, name: '程*', witness: '张**' });
  expect(eventFor('agency', WANGJIAQIAO, signed)).toEqual(signed.payload);
  const sealed = { type: 'signed', payload: { signer: 'party:1', name: '津市市某物业服务有限公司', method: 'seal' } };
  expect(eventFor('public', WANGJIAQIAO, sealed)).toEqual(sealed.payload);
  const note = { type: 'note_added', payload: { text: `程某来电${PHONE}，身份证${ID}` } };
  expect(eventFor('holder', WANGJIAQIAO, note)).toBe(note.payload);
  expect(eventFor('reporter', WANGJIAQIAO, note)).toEqual({ text: '程某来电139****0001，身份证430781********1234' });
  expect(eventFor('agency', WANGJIAQIAO, note)).toEqual({ text: '程某来电139****0001，身份证******************' });
  expect(eventFor('public', WANGJIAQIAO, note)).toEqual({ text: '程*来电139****0001，身份证******************' });
});
