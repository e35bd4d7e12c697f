/**
 * What the documents show of voluntariness on the record (domain/voluntariness.ts): the source on
 * the intake register (受理登记表), the parties' will on the mediation record (调解记录), the
 * rights-and-obligations notice (权利义务告知书) and the refusal notice (不予受理告知书). Every field a
 * template reads is present (null when empty): templates run in strict mode.
 */
import type { DisputeView } from '../domain/types';
import {
  VOLUNTARINESS_LABELS,
  consentImplied,
  publicityOf,
  sourceOf,
  standingOf,
  type ConsentRecord,
} from '../domain/voluntariness';
import { maskText } from '../security/pii';
import { LABELS, type Lang } from './labels';
import type { DocumentContext } from './models';

const V = (ctx: DocumentContext) => VOLUNTARINESS_LABELS[ctx.lang ?? 'zh-CN'];

const WORDS = {
  'zh-CN': {
    notRecorded: '未记录',
    sep: '；',
    colon: '：',
    recusal: '申请回避',
    asks: (p: string) => `要求${p}`,
    invite: { yes: '同意', no: '不同意' },
    implied: '当事人申请即视为同意',
    refused: '明确拒绝调解',
  },
  en: {
    notRecorded: 'not recorded',
    sep: '; ',
    colon: ': ',
    recusal: 'recusal requested',
    asks: (p: string) => `asks for it ${p}`,
    invite: { yes: 'agrees', no: 'does not agree' },
    implied: 'consented by applying',
    refused: 'clearly refused mediation',
  },
} as const;

/** For the intake register: where the case comes from. */
export function intakeVoluntariness(view: DisputeView, ctx: DocumentContext) {
  return { sourceLabel: V(ctx).source[sourceOf(view)] };
}

/** Each party's will as it stands, for the mediation record and the rights notice. */
function partyWills(view: DisputeView, ctx: DocumentContext) {
  const lang: Lang = ctx.lang ?? 'zh-CN';
  const L = V(ctx);
  const W = WORDS[lang];
  const hide = (v?: string) => (v === undefined ? null : ctx.masked ? maskText(v) : v);
  return view.parties.map((p, i) => {
    const st = standingOf(view, i);
    const records = (view.consents ?? []).filter((r) => r.party === i);
    const last: ConsentRecord | undefined = records[records.length - 1];
    const lastWith = <K extends keyof ConsentRecord>(k: K) =>
      [...records].reverse().find((r) => r[k] !== undefined)?.[k] as ConsentRecord[K] | undefined;
    const consent =
      st?.consented === true
        ? L.manner[st.manner]
        : st?.consented === false
          ? `${W.refused}（${L.refusedManner[st.manner]}）`
          : consentImplied(view, i)
            ? W.implied
            : W.notRecorded;
    const mediators = hide(lastWith('mediators'));
    const recusal = hide(lastWith('recusal'));
    const note = hide(last?.note);
    const choice = st?.mediatorChoice ? L.mediatorChoice[st.mediatorChoice] : null;
    // Mediators chosen or accepted, a recusal request, public or private (Art. 19, 23), and the note.
    const details = [
      choice && (mediators ? `${choice}${W.colon}${mediators}` : choice),
      recusal && `${W.recusal}${W.colon}${recusal}`,
      st?.publicity && W.asks(L.publicity[st.publicity]),
      note,
    ].filter((d): d is string => !!d);
    return {
      index: i,
      label: LABELS[lang].role[p.role] ?? p.role,
      name: p.name,
      consent,
      details: details.length ? details.join(W.sep) : null,
      refused: st?.consented === false,
      rightsNotice: st?.rightsNotice ? L.notice[st.rightsNotice] : W.notRecorded,
      inviteOthers: st?.inviteOthers === true ? W.invite.yes : st?.inviteOthers === false ? W.invite.no : W.notRecorded,
      at: last?.at ?? null,
      recordedBy: last?.recordedBy.name ?? null,
    };
  });
}

/** For the mediation record: the source, each party's will, and whether mediation is public. */
export function recordVoluntariness(view: DisputeView, ctx: DocumentContext) {
  const publicity = publicityOf(view);
  return {
    voluntariness: {
      sourceLabel: V(ctx).source[sourceOf(view)],
      parties: partyWills(view, ctx),
      publicity: publicity ? V(ctx).publicity[publicity] : null,
    },
  };
}

/** 权利义务告知书 (人民调解法 Art. 23–24; 2002 规定 Art. 6–7, 30): always available, with each party's acknowledgment. */
export function rightsNoticeModel(view: DisputeView, ctx: DocumentContext) {
  return {
    caseNumber: view.caseNumber ?? '',
    committeeName: view.unit?.committeeName ?? '',
    title: view.title,
    copy: ctx.copy ?? null,
    sourceLabel: V(ctx).source[sourceOf(view)],
    parties: partyWills(view, ctx).map((p) => ({
      label: p.label,
      name: p.name,
      acknowledged: p.rightsNotice !== WORDS[ctx.lang ?? 'zh-CN'].notRecorded ? p.rightsNotice : null,
      at: p.rightsNotice !== WORDS[ctx.lang ?? 'zh-CN'].notRecorded ? p.at : null,
    })),
    receivedAt: view.receivedAt,
  };
}

/** 不予受理告知书 (2002 规定 Art. 22, 24; 人民调解法 Art. 17): only once the case was refused. */
export function refusalNoticeModel(view: DisputeView, ctx: DocumentContext) {
  const r = view.refusal;
  if (!r) return undefined;
  const L = V(ctx);
  const lang: Lang = ctx.lang ?? 'zh-CN';
  return {
    caseNumber: view.caseNumber ?? '',
    committeeName: view.unit?.committeeName ?? '',
    title: view.title,
    copy: ctx.copy ?? null,
    receivedAt: view.receivedAt,
    parties: view.parties.map((p) => ({ label: LABELS[lang].role[p.role] ?? p.role, name: p.name })),
    grounds: r.grounds.map((g) => L.grounds[g]),
    reason: ctx.masked ? maskText(r.reason) : r.reason,
    referral: r.referral ? (ctx.masked ? maskText(r.referral) : r.referral) : null,
    at: r.at,
  };
}
