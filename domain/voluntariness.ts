/**
 * Voluntariness on the record (issue 21, item 3): where a case comes from, each party's consent to
 * mediation and how it was given, the rights-and-obligations notice (权利义务告知书) and its
 * acknowledgment, the parties' choice or acceptance of the mediators, recusal requests, public or
 * private mediation, the parties' consent before other units or persons are invited, and the refusal
 * to accept (不予受理). Pure code: the workflow's validators, the documents and the console use it.
 *
 * The law (texts as published; looked up, see the report of helper 3):
 * - 人民调解法 Art. 17: 当事人可以向人民调解委员会申请调解；人民调解委员会也可以主动调解。当事人一方
 *   明确拒绝调解的，不得调解。
 * - 人民调解法 Art. 18: 基层人民法院、公安机关对适宜通过人民调解方式解决的纠纷，可以在受理案件之前
 *   告知当事人向人民调解委员会申请调解。
 * - 人民调解法 Art. 19: 人民调解委员会……可以指定一名或者数名人民调解员进行调解，也可以由当事人选择
 *   一名或者数名人民调解员进行调解。
 * - 人民调解法 Art. 20: 人民调解员……在征得当事人的同意后，可以邀请当事人的亲属、邻里、同事等参与
 *   调解，也可以邀请具有专门知识、特定经验的人员或者有关社会组织的人员参与调解。
 * - 人民调解法 Art. 23: 当事人享有下列权利：（一）选择或者接受人民调解员；（二）接受调解、拒绝调解或者
 *   要求终止调解；（三）要求调解公开进行或者不公开进行；（四）自主表达意愿、自愿达成调解协议。
 * - 人民调解法 Art. 24: 当事人履行下列义务：（一）如实陈述纠纷事实；（二）遵守调解现场秩序，尊重人民
 *   调解员；（三）尊重对方当事人行使权利。
 * - 2002《人民调解工作若干规定》Art. 6 (申请回避 among the parties' rights), Art. 20 (民间纠纷), Art. 22
 *   (不得受理), Art. 23 (申请受理；没有申请的也可以主动调解，但当事人表示异议的除外；书面或者口头申请；
 *   应当登记), Art. 24 (不符合受理条件的，应当告知当事人按照法律、法规规定提请有关机关处理或者向人民
 *   法院起诉), Art. 29 (公开进行，涉及隐私、商业秘密或者当事人表示反对的除外), Art. 30 (调解前应当以
 *   口头或者书面形式告知当事人……享有的权利和承担的义务).
 */
import type { Party } from './types';

/**
 * Where a case comes from (人民调解法 Art. 17, 18; 2002 规定 Art. 23). An intake without `source`
 * counts as the applicant's own application (`party_application`): an integrator reports for a
 * resident who asks for mediation, and the parties named `applicant` are the ones who applied.
 */
export const CASE_SOURCES = [
  'party_application',
  'ex_officio',
  'court_referred',
  'police_referred',
  'assigned',
] as const;
export type CaseSource = (typeof CASE_SOURCES)[number];
export const DEFAULT_SOURCE: CaseSource = 'party_application';

/** How a party's consent (or refusal) was given. `by_application`: the applicant's own application is the consent. */
export const CONSENT_MANNERS = ['written', 'oral', 'by_application'] as const;
export type ConsentManner = (typeof CONSENT_MANNERS)[number];

/** How the rights-and-obligations notice reached the party (2002 规定 Art. 30: 口头或者书面形式). */
export const NOTICE_MANNERS = ['written', 'oral'] as const;
export type NoticeManner = (typeof NOTICE_MANNERS)[number];

/** Art. 19, 23(一): the party chose the mediators, or accepted those the committee designated. */
export const MEDIATOR_CHOICES = ['accepted', 'chosen'] as const;
export type MediatorChoice = (typeof MEDIATOR_CHOICES)[number];

/** Art. 23(三): the party asks for mediation in public or in private. */
export const PUBLICITY = ['public', 'private'] as const;
export type Publicity = (typeof PUBLICITY)[number];

/**
 * The grounds of a refusal to accept (不予受理):
 * - `handled_elsewhere`: 已经人民法院、仲裁机构、公安机关或者其他行政机关受理或者解决 (2002 规定 Art. 22(二));
 * - `special_authority`: 法律、法规规定只能由专门机关管辖处理，或者禁止采用民间调解方式解决 (Art. 22(一));
 * - `party_refuses`: 当事人一方明确拒绝调解 (人民调解法 Art. 17);
 * - `not_civil_dispute`: 不属于民间纠纷 (人民调解法 Art. 2; 2002 规定 Art. 20).
 */
export const REFUSAL_GROUNDS = [
  'handled_elsewhere',
  'special_authority',
  'party_refuses',
  'not_civil_dispute',
] as const;
export type RefusalGround = (typeof REFUSAL_GROUNDS)[number];

/** One record of a party's will, as `record-consent` entered it. */
export interface ConsentRecord {
  party: number;
  partyName: string;
  /** 同意调解 (true) or 明确拒绝调解 (false). */
  consented: boolean;
  manner: ConsentManner;
  /** The rights-and-obligations notice was given to this party, and how (and acknowledged by them). */
  rightsNotice?: NoticeManner;
  /** Art. 20: consents to other units or persons being invited to take part. */
  inviteOthers?: boolean;
  mediatorChoice?: MediatorChoice;
  /** The mediators chosen or accepted, by name. */
  mediators?: string;
  /** A recusal request (申请回避): whom, and why. */
  recusal?: string;
  publicity?: Publicity;
  note?: string;
  at: string;
  recordedBy: { id: string; name: string };
}

/** A refusal to accept the case (不予受理). */
export interface Refusal {
  at: string;
  by: string;
  byName: string;
  grounds: RefusalGround[];
  reason: string;
  referral?: string;
}

/** What the rules look at in a case. */
export interface VoluntarinessView {
  source?: CaseSource;
  parties: Party[];
  consents?: ConsentRecord[];
}

/** A party's standing: the later record of each field wins (a party may change their mind). */
export type Standing = Omit<ConsentRecord, 'at' | 'recordedBy' | 'note'> & { at: string };

export function standingOf(view: VoluntarinessView, party: number): Standing | undefined {
  let standing: Standing | undefined;
  for (const r of view.consents ?? []) {
    if (r.party !== party) continue;
    const { recordedBy: _by, note: _note, ...fields } = r;
    const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    standing = { ...(standing ?? {}), ...defined } as Standing;
  }
  return standing;
}

export const sourceOf = (view: VoluntarinessView): CaseSource => view.source ?? DEFAULT_SOURCE;

/** Art. 17: on a party's application, the applicant's consent is the application itself. */
export function consentImplied(view: VoluntarinessView, party: number): boolean {
  return sourceOf(view) === 'party_application' && view.parties[party]?.role === 'applicant';
}

const names = (view: VoluntarinessView, parties: number[]) =>
  parties.map((i) => view.parties[i]?.name ?? `#${i}`).join('、');

/** The steps that need the parties' will on record first. */
export type GatedStep = 'schedule-meeting' | 'resolve' | 'record-outcome';

/**
 * Why the case may not take `step` yet, or undefined: a bilingual refusal naming the rule.
 * - Nobody has clearly refused (Art. 17: 当事人一方明确拒绝调解的，不得调解).
 * - Every party has consented, the applicant of a case on application by applying (Art. 17; 2002 规定 Art. 23).
 * - Every party has been told their rights and obligations (Art. 23–24; 2002 规定 Art. 30: 调解前应当告知).
 * - Before a joint meeting invites agencies and other persons, every party has agreed to it (Art. 20).
 */
export function voluntarinessGap(view: VoluntarinessView, step: GatedStep): string | undefined {
  const all = view.parties.map((_, i) => i);
  const standings = all.map((i) => standingOf(view, i));
  const refused = all.filter((i) => standings[i]?.consented === false);
  if (refused.length) {
    return `当事人一方明确拒绝调解的，不得调解（人民调解法第十七条）：${names(view, refused)}已拒绝调解，可记录其同意后继续，或不予受理、记录撤回 / a party has clearly refused mediation, so it may not go on (People's Mediation Law Art. 17): ${names(view, refused)}; record their consent if they change their mind, or refuse to accept / record the withdrawal`;
  }
  const unconsented = all.filter((i) => standings[i]?.consented !== true && !consentImplied(view, i));
  if (unconsented.length) {
    return `调解须经当事人申请或者同意（人民调解法第十七条；《人民调解工作若干规定》第二十三条）：尚未记录${names(view, unconsented)}同意调解 / mediation needs each party's application or consent (People's Mediation Law Art. 17): record the consent of ${names(view, unconsented)} (record-consent)`;
  }
  const unnotified = all.filter((i) => !standings[i]?.rightsNotice);
  if (unnotified.length) {
    return `调解前应当告知当事人享有的权利和承担的义务（人民调解法第二十三条、第二十四条；《人民调解工作若干规定》第三十条）：尚未记录向${names(view, unnotified)}告知《权利义务告知书》 / before mediation each party must be told their rights and obligations (People's Mediation Law Art. 23–24; 2002 Provisions Art. 30): record the rights notice to ${names(view, unnotified)} (record-consent, rightsNotice)`;
  }
  if (step === 'schedule-meeting') {
    const uninvited = all.filter((i) => standings[i]?.inviteOthers !== true);
    if (uninvited.length) {
      return `邀请有关单位、人员参与调解，须先征得当事人同意（人民调解法第二十条）：尚未记录${names(view, uninvited)}的同意 / other units or persons may be invited to a mediation only with the parties' consent (People's Mediation Law Art. 20): record the consent of ${names(view, uninvited)} (record-consent, inviteOthers)`;
    }
  }
  return undefined;
}

/** Art. 23(三), 2002 规定 Art. 29: public unless a party asked for it in private; undefined while nobody has said. */
export function publicityOf(view: VoluntarinessView): Publicity | undefined {
  const asked = view.parties.map((_, i) => standingOf(view, i)?.publicity).filter((p) => p !== undefined);
  if (asked.length === 0) return undefined;
  return asked.includes('private') ? 'private' : 'public';
}

/** The words documents and refusals use, Chinese first. */
export const VOLUNTARINESS_LABELS = {
  'zh-CN': {
    source: {
      party_application: '当事人申请',
      ex_officio: '人民调解委员会主动调解',
      court_referred: '人民法院委派（委托）调解',
      police_referred: '公安机关移送',
      assigned: '政府及有关部门交办',
    } as Record<CaseSource, string>,
    manner: { written: '书面同意', oral: '口头同意', by_application: '当事人申请即视为同意' } as Record<
      ConsentManner,
      string
    >,
    refusedManner: { written: '书面拒绝', oral: '口头拒绝', by_application: '拒绝' } as Record<ConsentManner, string>,
    notice: { written: '书面送达并签收', oral: '口头告知' } as Record<NoticeManner, string>,
    mediatorChoice: { accepted: '接受调委会指定的调解员', chosen: '选择调解员' } as Record<MediatorChoice, string>,
    publicity: { public: '公开进行', private: '不公开进行' } as Record<Publicity, string>,
    grounds: {
      handled_elsewhere:
        '纠纷已经人民法院、仲裁机构、公安机关或者其他行政机关受理或者解决（《人民调解工作若干规定》第二十二条第二项）',
      special_authority:
        '法律、法规规定只能由专门机关管辖处理，或者禁止采用民间调解方式解决（《人民调解工作若干规定》第二十二条第一项）',
      party_refuses: '当事人一方明确拒绝调解（《中华人民共和国人民调解法》第十七条）',
      not_civil_dispute: '不属于民间纠纷（《中华人民共和国人民调解法》第二条；《人民调解工作若干规定》第二十条）',
    } as Record<RefusalGround, string>,
  },
  en: {
    source: {
      party_application: 'on application by a party',
      ex_officio: "on the committee's own initiative",
      court_referred: 'referred (entrusted) by a people’s court',
      police_referred: 'referred by the public security organ',
      assigned: 'assigned by the government or a department',
    } as Record<CaseSource, string>,
    manner: {
      written: 'consented in writing',
      oral: 'consented orally',
      by_application: 'consented by applying',
    } as Record<ConsentManner, string>,
    refusedManner: { written: 'refused in writing', oral: 'refused orally', by_application: 'refused' } as Record<
      ConsentManner,
      string
    >,
    notice: { written: 'delivered in writing and acknowledged', oral: 'told orally' } as Record<NoticeManner, string>,
    mediatorChoice: { accepted: "accepted the committee's mediators", chosen: 'chose the mediators' } as Record<
      MediatorChoice,
      string
    >,
    publicity: { public: 'in public', private: 'in private' } as Record<Publicity, string>,
    grounds: {
      handled_elsewhere:
        'a people’s court, an arbitration body, the public security organ or another administrative body has already accepted or settled the dispute (2002 Provisions Art. 22(2))',
      special_authority:
        'laws or regulations reserve the dispute to a specialised authority, or forbid settling it by civil mediation (2002 Provisions Art. 22(1))',
      party_refuses: 'a party has clearly refused mediation (People’s Mediation Law Art. 17)',
      not_civil_dispute: 'it is not a civil dispute (People’s Mediation Law Art. 2; 2002 Provisions Art. 20)',
    } as Record<RefusalGround, string>,
  },
};

/**
 * The consent records and the refusal as a reader without the full view sees them (security/visibility.ts):
 * free text through `t` (masked), and no party names beyond what `parties` shows.
 */
export function voluntarinessFor(
  view: { consents?: ConsentRecord[]; refusal?: Refusal },
  t: (text: string) => string,
): { consents?: ConsentRecord[]; refusal?: Refusal } {
  const opt = (v?: string) => (v === undefined ? undefined : t(v));
  return {
    ...(view.consents
      ? {
          consents: view.consents.map((r) => ({
            ...r,
            partyName: t(r.partyName),
            mediators: opt(r.mediators),
            recusal: opt(r.recusal),
            note: opt(r.note),
          })),
        }
      : {}),
    ...(view.refusal
      ? { refusal: { ...view.refusal, reason: t(view.refusal.reason), referral: opt(view.refusal.referral) } }
      : {}),
  };
}
