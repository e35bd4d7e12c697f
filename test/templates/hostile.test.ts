/**
 * Hostile input rendered straight from case states (no database, no workflow): the seed article's two
 * cases with markup, a mustache and a long string in every field a person types (party names and
 * details, title, description, notes, the meeting's place and agenda, the outcome, the terms, the
 * witnesses, the follow-up, the failure), rendered as every document kind they reach, in Chinese and
 * English. Everything shows as text. test/api/documents-hostile.test.ts does the same through the API.
 */
import type { DisputeView } from '../../domain/types';
import type { Lang } from '../../templates/labels';
import { agreementModel } from '../../templates/models';
import { createRenderer } from '../../templates/render';
import { TAOLI, WANGJIAQIAO } from '../helpers/golden-cases';
import { renderCaseDocuments } from '../helpers/render-documents';

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
  }));
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
  return out;
}

describe.each(['zh-CN', 'en'] as const)('hostile input (%s)', (lang) => {
  let docs: Record<string, string>;
  beforeAll(async () => {
    docs = { ...(await renderAll(hostile(WANGJIAQIAO), lang)) };
    for (const [kind, html] of Object.entries(await renderAll(hostile(TAOLI), lang)))
      docs[`${kind} (failed case)`] = html;
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
    // note, the reason of a failure (referral); the summons, the certificate and the application do not show them.
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
        'record',
        'record (failed case)',
        'referral (failed case)',
      ].sort(),
    );
  });

  it('names each party as text in the signature block of the signed and the effective agreement', () => {
    for (const name of ['agreement signed', 'agreement effective']) {
      const block = /<table class="signatures">([\s\S]*?)<\/table>/.exec(docs[name]!)?.[1] ?? '';
      expect([
        name,
        block.includes(ESCAPED_SCRIPT),
        block.includes(`${ESCAPED_IMG} {{constructor}} 1`),
        block.includes(`${ESCAPED_IMG} {{constructor}} 2`),
      ]).toEqual([name, true, true, true]);
      expect([name, /<script|<img/i.test(block)]).toEqual([name, false]);
    }
  });
});
