/**
 * Hostile input rendered straight from case states (no database, no workflow): the seed article's two
 * cases with markup, a mustache and a long string in every field a person types (party names and
 * details, title, description, notes, the meeting's place and agenda, the outcome, the terms, the
 * witnesses, the follow-up, the failure), rendered as every document kind they reach, in Chinese and
 * English; also the case settled orally (its register) and the refused case (the refusal notice), and
 * each case's case file (卷宗). Everything shows as text. test/api/documents-hostile.test.ts does the same through the API.
 */
import type { DisputeView } from '../../domain/types';
import type { Lang } from '../../templates/labels';
import { agreementModel } from '../../templates/models';
import { createRenderer } from '../../templates/render';
import { ORAL, REFUSED, TAOLI, WANGJIAQIAO } from '../helpers/golden-cases';
import { renderCaseDocuments, renderCaseFile } from '../helpers/render-documents';

const renderer = createRenderer();
const SCRIPT = '<script>alert(1)</script>';
const IMG = '"><img src=x onerror=alert(1)>';
const MUSTACHE = '{{constructor}}';
const LONG = `${'楼上漏水多次协商未果，'.repeat(400)}${SCRIPT}`;
const ESCAPED_SCRIPT = '&lt;script&gt;alert(1)&lt;/script&gt;';
const ESCAPED_IMG = '&quot;&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;';
const ESCAPED_LONG = `${'楼上漏水多次协商未果，'.repeat(400)}${ESCAPED_SCRIPT}`;

/** The case with hostile text in every field a person types. */
function hostile(view: DisputeView): DisputeView {
  const v: DisputeView = structuredClone(view);
  v.title = `${SCRIPT} ${MUSTACHE}`;
  v.description = LONG;
  v.parties = v.parties.map((p, i) => ({
    ...p,
    name: i === 0 ? SCRIPT : `${IMG} ${MUSTACHE} ${i}`,
    occupation: p.occupation ? MUSTACHE : undefined,
    address: IMG,
    representative: p.kind === 'organisation' ? SCRIPT : undefined,
    // The people around a party (domain/people.ts): typed by people too.
    representativeTitle: p.kind === 'organisation' ? MUSTACHE : undefined,
    serviceAddress: p.serviceAddress && IMG,
    agents: p.agents?.map((a) => ({
      ...a,
      name: `${IMG} agent`,
      relation: SCRIPT,
      powerOfAttorney: { reference: MUSTACHE, date: a.powerOfAttorney.date },
    })),
  }));
  if (v.reporter) v.reporter = { ...v.reporter, name: SCRIPT, relation: `${IMG}${MUSTACHE}` };
  v.notes = v.notes.map((n) => ({ ...n, text: LONG }));
  v.escalations = v.escalations.map((e) => ({ ...e, reason: `${SCRIPT}${IMG}` }));
  v.pastMeetings = v.pastMeetings?.map((m) => ({
    ...m,
    place: IMG,
    agenda: `${SCRIPT}${MUSTACHE}`,
    outcome: m.outcome && { ...m.outcome, facts: LONG, responsibilities: IMG, losses: MUSTACHE },
  }));
  if (v.agreement) {
    const a = v.agreement;
    a.facts = LONG;
    a.matters = `${MUSTACHE}${IMG}`;
    a.responsibilities = SCRIPT;
    a.losses = MUSTACHE;
    a.terms = a.terms.map((t) => ({
      ...t,
      text: `${SCRIPT}${MUSTACHE}`,
      obligor: IMG,
      method: t.method && MUSTACHE,
      place: t.place && SCRIPT,
    }));
    a.signatures = a.signatures.map((s) => {
      const index = s.signer.startsWith('party:') ? Number(s.signer.slice(6)) : -1;
      return { ...s, name: index >= 0 ? v.parties[index]!.name : s.name, witness: SCRIPT };
    });
  }
  if (v.followUp) v.followUp = { ...v.followUp, note: LONG, risks: IMG, measures: MUSTACHE };
  if (v.failure) v.failure = { ...v.failure, reason: LONG, referral: `${IMG}${MUSTACHE}` };
  // The oral agreement's place (its register), the visits and the performance (the case file), the
  // refusal (不予受理告知书), the consents (the case file): typed by people too.
  if (v.agreement?.signingPlace) v.agreement.signingPlace = `${IMG}${MUSTACHE}`;
  if (v.followUp?.visits)
    v.followUp.visits = v.followUp.visits.map((x) => ({ ...x, met: [SCRIPT, IMG], note: LONG, risks: MUSTACHE }));
  v.performance = v.performance?.map((p) => ({ ...p, note: SCRIPT }));
  if (v.refusal) v.refusal = { ...v.refusal, reason: LONG, referral: `${IMG}${MUSTACHE}` };
  v.consents = v.consents?.map((c) => ({ ...c, recusal: c.recusal && SCRIPT, note: c.note && IMG }));
  return v;
}

/** Every document the case reaches; the agreement also as drafted and as signed by the parties only. */
async function renderAll(view: DisputeView, lang: Lang): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const a = view.agreement;
  if (a?.number && a.effectiveAt) {
    const draft = {
      ...view,
      agreement: { ...a, signatures: [], sealedAt: undefined, effectiveAt: undefined, number: undefined },
    } as DisputeView;
    out['agreement drafted'] = renderer.render('agreement', agreementModel(draft, undefined, lang), lang);
    const signed = {
      ...view,
      agreement: {
        ...a,
        signatures: a.signatures.filter((s) => s.signer !== 'mediator'),
        sealedAt: undefined,
        effectiveAt: undefined,
        number: undefined,
      },
    } as DisputeView;
    out['agreement signed'] = renderer.render('agreement', agreementModel(signed, undefined, lang), lang);
  }
  const { agreement, ...others } = await renderCaseDocuments(renderer, view, lang);
  if (agreement) out['agreement effective'] = agreement;
  Object.assign(out, others);
  // The case file (卷宗) as the API serves it: frozen at the closing, or a preview of an open case.
  out['case-file'] = (await renderCaseFile(renderer, view, lang)).html;
  return out;
}

describe.each(['zh-CN', 'en'] as const)('hostile input (%s)', (lang) => {
  let docs: Record<string, string>;
  beforeAll(async () => {
    docs = { ...(await renderAll(hostile(WANGJIAQIAO), lang)) };
    for (const [kind, html] of Object.entries(await renderAll(hostile(TAOLI), lang)))
      docs[`${kind} (failed case)`] = html;
    for (const [kind, html] of Object.entries(await renderAll(hostile(ORAL), lang))) docs[`${kind} (oral case)`] = html;
    for (const [kind, html] of Object.entries(await renderAll(hostile(REFUSED), lang)))
      docs[`${kind} (refused case)`] = html;
  });

  it('reaches every document kind', () => {
    expect(Object.keys(docs).sort()).toEqual(
      [
        'agreement drafted',
        'agreement signed',
        'agreement effective',
        'intake',
        'summons',
        'record',
        'follow-up',
        'judicial-confirmation',
        'certificate',
        'intake (failed case)',
        'record (failed case)',
        'referral (failed case)',
        'rights-notice',
        'rights-notice (failed case)',
        'case-file',
        'case-file (failed case)',
        'intake (oral case)',
        'record (oral case)',
        'follow-up (oral case)',
        'oral-agreement (oral case)',
        'rights-notice (oral case)',
        'case-file (oral case)',
        'intake (refused case)',
        'record (refused case)',
        'rights-notice (refused case)',
        'refusal-notice (refused case)',
        'case-file (refused case)',
      ].sort(),
    );
  });

  it('shows markup and mustaches as text in every document, never as markup or template code', () => {
    const seen: Record<string, object> = {};
    const expected: Record<string, object> = {};
    for (const [name, html] of Object.entries(docs)) {
      seen[name] = {
        script: html.includes(ESCAPED_SCRIPT),
        img: html.includes(ESCAPED_IMG),
        mustache: html.includes(MUSTACHE),
        raw: /<script|<img|onerror=/i.test(html),
        evaluated: html.includes('[object Object]') || html.includes('function Object()'),
      };
      expected[name] = { script: true, img: true, mustache: true, raw: false, evaluated: false };
    }
    expect(seen).toEqual(expected);
  });

  it('keeps a long text whole, escaped, in every document that shows a free text', () => {
    // The description (intake), a note and the outcome (record), the facts (agreement), the follow-up
    // note, the reason of a failure (referral), the facts again in the joint application for judicial
    // confirmation (法释〔2011〕5号 Art. 3); the summons, the certificate and the rights notice do not show them.
    const long = Object.entries(docs)
      .filter(([, html]) => html.includes(ESCAPED_LONG))
      .map(([name]) => name);
    expect(long.sort()).toEqual(
      [
        'agreement drafted',
        'agreement signed',
        'agreement effective',
        'follow-up',
        'intake',
        'intake (failed case)',
        'judicial-confirmation',
        'record',
        'record (failed case)',
        'referral (failed case)',
        // The oral agreement's register shows the facts; the refusal notice its reason; the case file everything.
        'intake (oral case)',
        'record (oral case)',
        'follow-up (oral case)',
        'oral-agreement (oral case)',
        'intake (refused case)',
        'refusal-notice (refused case)',
        'case-file',
        'case-file (failed case)',
        'case-file (oral case)',
        'case-file (refused case)',
      ].sort(),
    );
  });

  it('shows the reporter, the representatives and the agents as text in the party blocks', () => {
    for (const name of ['intake', 'record', 'agreement effective', 'judicial-confirmation']) {
      const html = docs[name]!;
      expect([name, html.includes(`${ESCAPED_IMG} agent`), html.includes(`${ESCAPED_SCRIPT}`)]).toEqual([
        name,
        true,
        true,
      ]);
    }
    // The reporter is on the register and the record, never on the agreement.
    for (const name of ['intake', 'record'])
      expect([name, docs[name]!.includes(lang === 'en' ? 'Reported by' : '反映人：')]).toEqual([name, true]);
    expect(docs['agreement effective']).not.toContain(lang === 'en' ? 'Reported by' : '反映人');
  });

  it('names each party as text in the signature block of the signed and the effective agreement', () => {
    for (const name of ['agreement signed', 'agreement effective']) {
      const block = /<table class="signatures">([\s\S]*?)<\/table>/.exec(docs[name]!)?.[1] ?? '';
      expect([name, block.includes(ESCAPED_SCRIPT), block.includes(`${ESCAPED_IMG} {{constructor}} 1`)]).toEqual([
        name,
        true,
        true,
      ]);
      expect([name, /<script|<img/i.test(block)]).toEqual([name, false]);
    }
  });
});
