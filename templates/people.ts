/**
 * The people around a party as the documents' party blocks print them (domain/people.ts): the
 * 法定代理人 of a party without full capacity, the 委托代理人 with their authority and 授权委托书, an
 * organisation's 法定代表人 or 负责人 with 职务, 统一社会信用代码 and 送达地址; and the 反映人, who is
 * not a party. Every field a template reads is present (null when empty).
 */
import { answeringRepresentative, organisationRepresentativeWord } from '../domain/people';
import type { DisputeView, Party, Reporter } from '../domain/types';
import type { Lang } from './labels';

const AUTHORITY = {
  'zh-CN': { general: '一般授权', special: '特别授权' },
  en: { general: 'general authority', special: 'special authority' },
} as const;

/** `hide`: how the document shows a phone or identity number (masked in copies that call for it). */
type Hide = (v?: string) => string | null;

/** What a party block prints besides the party itself. */
export function partyPeople(p: Party, lang: Lang, hide: Hide, opts: { idNumbers: boolean }) {
  const org = p.kind === 'organisation';
  const id = (v?: string) => (opts.idNumbers ? hide(v) : null);
  const rep = p.legalRepresentative;
  return {
    /** 法定代表人 / 负责人 by the organisation's type. */
    representativeLabel: org ? organisationRepresentativeWord(p)[lang === 'en' ? 'en' : 'zh'] : null,
    representativeTitle: org ? (p.representativeTitle ?? null) : null,
    creditCode: org ? (p.creditCode ?? null) : null,
    serviceAddress: p.serviceAddress ?? null,
    legalRepresentative: rep
      ? {
          name: rep.name,
          relation: rep.relation,
          phone: hide(rep.phone),
          idNumber: id(rep.idNumber),
          address: rep.address ?? null,
        }
      : null,
    agents: (p.agents ?? []).map((a) => ({
      name: a.name,
      relation: a.relation ?? null,
      authority: AUTHORITY[lang][a.authority],
      powerOfAttorney: `${a.powerOfAttorney.reference}（${a.powerOfAttorney.date}）`,
      powerOfAttorneyReference: a.powerOfAttorney.reference,
      powerOfAttorneyDate: a.powerOfAttorney.date,
      phone: hide(a.phone),
      idNumber: id(a.idNumber),
    })),
  };
}

/** The 反映人 as the intake register and the record print them (null without one). */
export function reporterModel(reporter: Reporter | undefined, hide: Hide) {
  if (!reporter) return null;
  return {
    name: reporter.name,
    relation: reporter.relation,
    phone: hide(reporter.phone),
    address: reporter.address ?? null,
  };
}

/**
 * A term's obligor as the documents name it: a party whose 法定代理人 answers for it is named with them
 * (民法典 Art. 23, 34: the guardian acts for the ward and answers for the obligation).
 */
export function obligorText(view: DisputeView, obligor: string | undefined, lang: Lang): string | null {
  if (!obligor) return null;
  const found = answeringRepresentative(view.parties, obligor, view.agreement?.draftedAt ?? view.receivedAt);
  if (!found) return obligor;
  return lang === 'en'
    ? `${obligor}; their legal representative ${found.representative} answers for it`
    : `${obligor}，由其法定代理人${found.representative}负责履行`;
}
