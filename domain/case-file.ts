/**
 * The case file (人民调解卷宗; docs/design.md#the-case-file-卷宗): what is filed from a case, read from
 * its records (some added by later features, read as absent on older cases), and the canonical bytes
 * its SHA-256 covers, like the agreement's seal (activities/agreements.ts). The document itself is laid
 * out by templates/case-file-model.ts and templates/case-file.*.hbs. Pure.
 */
import { canonicalJson } from './canonical';
import type { Agreement, DisputeView, JudicialConfirmation, Meeting, Note } from './types';
import { VOLUNTARINESS_LABELS, sourceOf } from './voluntariness';

type Lang = 'zh-CN' | 'en';

/** A sealed agreement as the agreements table keeps it. */
export interface SealedAgreementRef {
  number: string;
  round: number;
  sha256: string;
  effectiveAt: string;
}

/** 案件来源 (2010 受理登记表: 当事人申请 / 主动调解; 结案报告表: 公安机关移交, 审判机关委托, 政府部门指定). */
export const sourceLabel = (view: DisputeView, lang: Lang): string =>
  VOLUNTARINESS_LABELS[lang].source[sourceOf(view)] ?? sourceOf(view);

export const OUTCOME_LABELS: Record<Lang, Record<string, string>> = {
  'zh-CN': {
    resolved: '调解成功，协议履行完毕',
    failed: '调解不成，已告知其他途径',
    withdrawn: '当事人撤回（终止调解）',
    merged: '合并处理',
    not_accepted: '不予受理',
    performance_referred: '调解协议已生效，因履行争议告知当事人可向人民法院起诉（人民调解法第三十二条）',
  },
  en: {
    resolved: 'settled; the agreement performed',
    failed: 'mediation failed; the parties told of other remedies',
    withdrawn: 'withdrawn by a party (mediation ended)',
    merged: 'merged with another case',
    not_accepted: 'not accepted',
    performance_referred:
      'the agreement took effect; the parties were told they may sue over its performance (People’s Mediation Law Art. 32)',
  },
};

/** Whether an agreement was oral (人民调解法 Art. 28: 口头协议, recorded in the 口头协议登记表). */
export const isOral = (agreement: Agreement): boolean => agreement.form === 'oral';

/** Every agreement of the case, first to last. */
export const agreementsOf = (view: DisputeView): Agreement[] => [
  ...(view.pastAgreements ?? []),
  ...(view.agreement ? [view.agreement] : []),
];

/** Every joint-mediation session, first to last. */
export const meetingsOf = (view: DisputeView): Meeting[] => [
  ...(view.pastMeetings ?? []),
  ...(view.meeting ? [view.meeting] : []),
];

/** The notes recorded as evidence (`add-note` with `evidence: true`). */
export const evidenceOf = (view: DisputeView): Note[] => view.notes.filter((n) => n.evidence === true);

/** One follow-up visit as the file lists it: the visits of per-term supervision, else the one visit. */
export interface VisitRecord {
  at?: string;
  by?: string;
  method?: string;
  met?: string[];
  /** true / false: performed or not (the one-visit record); per-term statuses otherwise. */
  performed?: boolean;
  statuses?: Array<{ term: number; status: string }>;
  satisfaction?: number;
  note?: string;
  risks?: string;
  measures?: string;
}

/** Every follow-up visit, first to last. */
export function followUpsOf(view: DisputeView): VisitRecord[] {
  const f = view.followUp;
  if (f?.visits?.length)
    return f.visits.map((v) => ({
      at: v.at,
      by: v.byName,
      method: v.method,
      met: v.met,
      statuses: v.statuses,
      satisfaction: v.satisfaction,
      note: v.note,
      risks: v.risks,
      measures: v.measures,
    }));
  return f?.recordedAt
    ? [
        {
          at: f.recordedAt,
          by: f.recordedBy,
          method: f.method,
          met: f.met,
          performed: f.performed,
          satisfaction: f.satisfaction,
          note: f.note,
          risks: f.risks,
          measures: f.measures,
        },
      ]
    : [];
}

/** The judicial confirmations (司法确认) of the case's agreements (法释〔2011〕5号; 人民调解法 Art. 33). */
export const judicialOf = (view: DisputeView): Array<{ number?: string } & JudicialConfirmation> =>
  agreementsOf(view).flatMap((a) => (a.judicialConfirmation ? [{ number: a.number, ...a.judicialConfirmation }] : []));

/** The canonical bytes the case file's SHA-256 covers: the case, its number and the frozen HTML. */
export function canonicalCaseFile(disputeId: string, caseNumber: string, html: string): string {
  return canonicalJson({ disputeId, caseNumber, html });
}

/**
 * The slot on the back page (备考表) where a frozen file shows its SHA-256. The digest covers the file as
 * frozen, with this slot empty (it cannot contain itself): the stored original keeps the slot empty, and
 * the copy served (api/case-file.ts) has the digest stamped in, beside the x-case-file-sha256 header.
 * To verify a served copy, empty the slot again (`unstampCaseFileDigest`) and hash as `canonicalCaseFile`.
 */
export const CASE_FILE_DIGEST_SLOT = '<code class="case-file-sha256"></code>';

/** The served copy of a frozen file: its SHA-256 printed in the back page's slot (a file without one is unchanged). */
export const stampCaseFileDigest = (html: string, sha256: string): string =>
  html.replace(CASE_FILE_DIGEST_SLOT, `<code class="case-file-sha256">${sha256.replace(/[^0-9a-f]/g, '')}</code>`);

/** The frozen original of a served copy: the slot emptied again, as the digest was computed over it. */
export const unstampCaseFileDigest = (html: string): string =>
  html.replace(/<code class="case-file-sha256">[0-9a-f]*<\/code>/, CASE_FILE_DIGEST_SLOT);
