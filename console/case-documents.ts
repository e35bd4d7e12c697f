/**
 * Every document a case has, at every stage and after closing (issue 24, item 3), each with a print
 * button (the print-ready A4 HTML in a new window) and a PDF button (`?format=pdf`), as the documents
 * route renders them (api/routes/documents.ts). A document is listed when that route has it for this
 * case: the same conditions as its models (templates/models.ts, templates/voluntariness-models.ts).
 *
 * For wet signatures the agreement is named as the office uses it: while it awaits signatures, the
 * copy to print for signing (签署用: 一式N份, one per party and one for the committee); once in
 * effect, the original (生效正本: each party keeps one, the committee archives one) and a masked copy
 * for others (`copy=public`).
 */
import { copiesClause } from '../domain/agreement-law';
import type { CaseDoc } from './case-view';
import { fill, type ConsoleDict, type ConsoleLang } from './i18n';

interface AgreementLike {
  form?: 'written' | 'oral';
  effectiveAt?: string;
}

export interface CaseDocsInput extends CaseDoc {
  acceptedAt?: string;
  pastMeetings?: Array<{ kind?: 'convened' | 'invitation' }>;
  pastAgreements?: AgreementLike[];
  unit?: CaseDoc['unit'] & { committeeName?: string };
}

export interface DocumentLink {
  kind: string;
  label: string;
  note: string | null;
  printHref: string;
  pdfHref: string;
  printTitle: string;
  pdfTitle: string;
}

/** Which documents the route has for this case now, in the order of the file; `holder`: the staff holding the case (or an admin). */
export function documentKinds(c: CaseDocsInput, lang: ConsoleLang, holder: boolean): string[] {
  const past = c.pastAgreements ?? [];
  const current = c.agreement as AgreementLike | undefined;
  const written = (a: AgreementLike | undefined) => !!a && a.form !== 'oral';
  const sealedPast = past.some((a) => written(a) && a.effectiveAt);
  const meetings = (c.pastMeetings?.length ?? 0) + (c.meeting ? 1 : 0);
  const out = ['intake', 'rights-notice'];
  if (c.refusal) out.push('refusal-notice');
  if (meetings) out.push('summons');
  if (c.acceptedAt || meetings) out.push('record');
  // The agreement: the current written one (draft or sealed), else the last sealed original (Chinese only).
  if (written(current) || (!current && sealedPast && lang === 'zh-CN')) out.push('agreement');
  if (current ? written(current) && current.effectiveAt : sealedPast) out.push('certificate', 'judicial-confirmation');
  if ([current, ...past].some((a) => a?.form === 'oral' && a.effectiveAt)) out.push('oral-agreement');
  if (c.followUp?.recordedAt) out.push('follow-up');
  if (c.failure) out.push('referral');
  if (holder) out.push('case-file');
  return out;
}

/** The documents panel of the case page. */
export function caseDocuments(c: CaseDocsInput, t: ConsoleDict, lang: ConsoleLang, holder: boolean): DocumentLink[] {
  const d = t.docPanel;
  const base = `/api/v1/disputes/${encodeURIComponent(c.id)}/documents/`;
  const lastMeeting = c.meeting ?? c.pastMeetings?.[c.pastMeetings.length - 1];
  const current = c.agreement as AgreementLike | undefined;
  const copies = lang === 'zh-CN' ? copiesClause(c.parties.length) : String(c.parties.length + 1);
  const committee = c.unit?.committeeName ?? c.unit?.name ?? '';
  const link = (kind: string, label: string, note: string | null, query: Record<string, string> = {}) => {
    const q = new URLSearchParams({ ...query, ...(lang === 'en' ? { lang: 'en' } : {}) });
    const pdf = new URLSearchParams({ ...Object.fromEntries(q), format: 'pdf' });
    return {
      kind,
      label,
      note,
      printHref: `${base}${kind}${q.toString() ? `?${q}` : ''}`,
      pdfHref: `${base}${kind}?${pdf}`,
      printTitle: fill(d.printTitle, { doc: label }),
      pdfTitle: fill(d.pdfTitle, { doc: label }),
    };
  };
  const out: DocumentLink[] = [];
  for (const kind of documentKinds(c, lang, holder)) {
    if (kind === 'summons') {
      const label = (lastMeeting as { kind?: string } | undefined)?.kind === 'invitation' ? d.invitation : d.convened;
      out.push(link(kind, label, null));
    } else if (kind === 'record') out.push(link(kind, d.record, null));
    else if (kind === 'agreement' && current && current.form !== 'oral' && !current.effectiveAt) {
      out.push(link(kind, d.agreementToSign, fill(d.agreementToSignNote, { copies })));
    } else if (kind === 'agreement') {
      const parties = c.parties.map((p) => p.name).join(lang === 'zh-CN' ? '、' : ', ');
      out.push(link(kind, d.agreementOriginal, fill(d.agreementOriginalNote, { copies, parties, committee })));
      out.push(link(kind, d.agreementPublic, d.agreementPublicNote, { copy: 'public' }));
    } else if (kind === 'case-file' && c.stage !== 'closed') out.push(link(kind, d.caseFilePreview, null));
    else out.push(link(kind, t.docs[kind] ?? d.kind, null));
  }
  return out;
}
