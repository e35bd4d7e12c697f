/**
 * The people the law names around a case (issue 21, item 2), as pure rules shared by the API's intake,
 * the workflow's `sign` and the documents:
 * - a natural person's civil capacity (民法典 Art. 17–22) and the 法定代理人 who acts, signs and
 *   answers for a party without full capacity (Art. 23);
 * - 委托代理人 (民法典 Art. 161–165): one or two per party, as 民事诉讼法 Art. 61 allows in court; a
 *   signature disposes of the party's rights, so an agent signs only with special authority (特别授权,
 *   as 民事诉讼法 Art. 62 requires for a settlement);
 * - an organisation acts through its 法定代表人 (legal person, 民法典 Art. 61) or its 负责人
 *   (unincorporated organisation, 民法典 Art. 102–105; a branch, Art. 74; 民事诉讼法 Art. 51), and is
 *   identified by its 统一社会信用代码 (GB 32100-2015);
 * - a 反映人 (reporter) is not a party: never listed among them and never signs.
 * Deterministic (the workflow calls it with workflow time).
 */
import type { Capacity, DisputeIntake, Party } from './types';

/** The ages the Civil Code draws lines at. */
export const ADULT_AGE = 18; // Art. 17
export const SELF_SUPPORTING_AGE = 16; // Art. 18 ¶2
export const NO_CAPACITY_BELOW = 8; // Art. 19, 20

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date (year, month, day) if `ymd` is one, e.g. 2014-02-29 is not. */
function calendarDate(y: number, m: number, d: number): { y: number; m: number; d: number } | undefined {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? { y, m, d } : undefined;
}

/** The birth date in an 18-digit resident identity number (digits 7–14, GB 11643), if it is a date. */
export function birthDateOfIdNumber(id: string | undefined): string | undefined {
  if (!id || !/^\d{17}[\dXx]$/.test(id)) return undefined;
  const [y, m, d] = [Number(id.slice(6, 10)), Number(id.slice(10, 12)), Number(id.slice(12, 14))];
  return calendarDate(y, m, d) ? id.slice(6, 10) + '-' + id.slice(10, 12) + '-' + id.slice(12, 14) : undefined;
}

/** Full years between a birth date (YYYY-MM-DD) and an instant, counted in Beijing time. */
export function ageOn(birthDate: string, atIso: string): number | undefined {
  const b = DATE.exec(birthDate);
  if (!b || !calendarDate(Number(b[1]), Number(b[2]), Number(b[3]))) return undefined;
  const now = new Date(Date.parse(atIso) + 8 * 3600_000);
  const [y, m, d] = [now.getUTCFullYear(), now.getUTCMonth() + 1, now.getUTCDate()];
  const age = y - Number(b[1]) - (m < Number(b[2]) || (m === Number(b[2]) && d < Number(b[3])) ? 1 : 0);
  return age;
}

/**
 * A person's age at `atIso` from what the intake gives: the birth date, the ID number's birth date,
 * the age. Where they disagree the youngest counts: a minor is never taken for an adult.
 */
export function ageOf(p: Party, atIso: string): number | undefined {
  const known = [
    p.birthDate ? ageOn(p.birthDate, atIso) : undefined,
    ageOn(birthDateOfIdNumber(p.idNumber) ?? '', atIso),
    p.age,
  ].filter((a): a is number => typeof a === 'number');
  return known.length ? Math.min(...known) : undefined;
}

/** A party's civil capacity and the article it rests on. */
export interface CapacityFinding {
  capacity: Capacity;
  age?: number;
  /** The article, in Chinese and in English, for messages. */
  article: { zh: string; en: string };
}

export function capacityOf(p: Party, atIso: string): CapacityFinding {
  const age = p.kind === 'organisation' ? undefined : ageOf(p, atIso);
  if (p.kind === 'organisation')
    return { capacity: 'full', article: { zh: '民法典第五十七条', en: 'Civil Code Art. 57' } };
  if (p.capacity === 'none')
    return { capacity: 'none', age, article: { zh: '民法典第二十一条', en: 'Civil Code Art. 21' } };
  if (age !== undefined && age < NO_CAPACITY_BELOW)
    return { capacity: 'none', age, article: { zh: '民法典第二十条', en: 'Civil Code Art. 20' } };
  if (age !== undefined && age < ADULT_AGE) {
    if (age >= SELF_SUPPORTING_AGE && p.selfSupporting && p.capacity !== 'limited')
      return { capacity: 'full', age, article: { zh: '民法典第十八条第二款', en: 'Civil Code Art. 18(2)' } };
    return { capacity: 'limited', age, article: { zh: '民法典第十九条', en: 'Civil Code Art. 19' } };
  }
  if (p.capacity === 'limited')
    return { capacity: 'limited', age, article: { zh: '民法典第二十二条', en: 'Civil Code Art. 22' } };
  return { capacity: 'full', age, article: { zh: '民法典第十八条', en: 'Civil Code Art. 18' } };
}

/** Whether a 法定代理人 must act and sign for the party (民法典 Art. 19–23). */
export const needsLegalRepresentative = (p: Party, atIso: string): boolean =>
  p.kind !== 'organisation' && capacityOf(p, atIso).capacity !== 'full';

// 统一社会信用代码 (GB 32100-2015): 18 characters of 0-9 and the capitals without I, O, S, V, Z; the
// 18th is the check character: 31 − (Σ value × weight mod 31), 31 counting as 0, with weights 3^i mod 31.
const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character a credit code's first 17 characters call for (undefined if they are not valid characters). */
export function creditCodeCheck(first17: string): string | undefined {
  if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{9}$/.test(first17)) return undefined;
  const sum = [...first17].reduce((acc, c, i) => acc + CREDIT_CHARS.indexOf(c) * CREDIT_WEIGHTS[i]!, 0);
  return CREDIT_CHARS[(31 - (sum % 31)) % 31];
}

export const isValidCreditCode = (code: string): boolean =>
  code.length === 18 && creditCodeCheck(code.slice(0, 17)) === code[17];

/** The word for who acts for an organisation of this type. */
export function organisationRepresentativeWord(p: Party): { zh: string; en: string } {
  if (p.orgType === 'legal_person') return { zh: '法定代表人', en: 'legal representative (法定代表人)' };
  if (p.orgType === 'unincorporated' || p.orgType === 'branch')
    return { zh: '负责人', en: 'person in charge (负责人)' };
  return { zh: '法定代表人/负责人', en: 'represented by' };
}

/** One refusal of an intake: the field, and the message naming the party and the rule. */
export interface IntakeProblem {
  field: string;
  message: string;
}

const who = (p: Party, i: number) => ({
  zh: `当事人“${p.name}”（第${i + 1}位）`,
  en: `party "${p.name}" (no. ${i + 1})`,
});

/**
 * What the law refuses in the people of an intake, each with the article (an empty list when all is
 * well). `atIso`: when the case is received (ages are counted at that day, Beijing time).
 */
export function intakePeopleProblems(intake: Pick<DisputeIntake, 'parties'>, atIso: string): IntakeProblem[] {
  const out: IntakeProblem[] = [];
  intake.parties.forEach((p, i) => {
    const at = `body/parties/${i}`;
    const w = who(p, i);
    if (p.kind === 'organisation') {
      const word = organisationRepresentativeWord(p);
      if (!p.representative?.trim())
        out.push({
          field: `${at}/representative`,
          message: `${w.zh}是组织，须载明其${word.zh}（民法典第六十一条、第一百零五条；民事诉讼法第五十一条） / ${w.en} is an organisation and needs its ${word.en === 'represented by' ? 'legal representative or person in charge' : word.en} (Civil Code Art. 61, 105; Civil Procedure Law Art. 51)`,
        });
      if (p.creditCode !== undefined && !isValidCreditCode(p.creditCode))
        out.push({
          field: `${at}/creditCode`,
          message: `${w.zh}的统一社会信用代码“${p.creditCode}”无效（18位，末位校验码不符合GB 32100-2015） / ${w.en}: the unified social credit code "${p.creditCode}" is not valid (18 characters with the GB 32100-2015 check character)`,
        });
      if (p.legalRepresentative || p.capacity || p.selfSupporting || p.birthDate)
        out.push({
          field: `${at}/legalRepresentative`,
          message: `${w.zh}是组织，由其${word.zh}代表，不适用自然人的民事行为能力与法定代理人 / ${w.en} is an organisation: capacity and a legal guardian apply to natural persons only`,
        });
      return;
    }
    if (p.creditCode !== undefined || p.orgType !== undefined || p.representativeTitle !== undefined)
      out.push({
        field: `${at}/kind`,
        message: `${w.zh}是自然人，不应有统一社会信用代码、组织类型或职务；如为组织，请将 kind 设为 organisation / ${w.en} is a natural person: a credit code, organisation type or title belongs to an organisation (kind: organisation)`,
      });
    if (p.birthDate !== undefined && ageOn(p.birthDate, atIso) === undefined)
      out.push({
        field: `${at}/birthDate`,
        message: `${w.zh}的出生日期不是有效日期 / ${w.en}: the birth date is not a date`,
      });
    const found = capacityOf(p, atIso);
    if (p.selfSupporting && !(found.age !== undefined && found.age >= SELF_SUPPORTING_AGE && found.age < ADULT_AGE))
      out.push({
        field: `${at}/selfSupporting`,
        message: `${w.zh}：以自己的劳动收入为主要生活来源视为完全民事行为能力人，仅适用于十六周岁以上不满十八周岁的未成年人（民法典第十八条第二款） / ${w.en}: living on one's own labour income gives full capacity only to a minor of 16 or 17 (Civil Code Art. 18(2))`,
      });
    if (found.capacity !== 'full' && !p.legalRepresentative) {
      const why =
        found.age !== undefined && found.age < ADULT_AGE
          ? { zh: `未满十八周岁（${found.age}岁）`, en: `is under 18 (aged ${found.age})` }
          : found.capacity === 'none'
            ? { zh: '为无民事行为能力人', en: 'has no civil capacity' }
            : { zh: '为限制民事行为能力人', en: 'has limited civil capacity' };
      out.push({
        field: `${at}/legalRepresentative`,
        message: `${w.zh}${why.zh}，须由法定代理人代理参加调解并代为签名（${found.article.zh}、第二十三条） / ${w.en} ${why.en} and needs a legal representative to act and sign for them (${found.article.en}, Art. 23)`,
      });
    }
    if (found.capacity === 'full' && p.legalRepresentative)
      out.push({
        field: `${at}/legalRepresentative`,
        message: `${w.zh}为完全民事行为能力人，没有法定代理人（民法典第十八条、第二十三条）；如由他人代为参加调解，请登记为委托代理人（agents） / ${w.en} has full civil capacity and no legal representative (Civil Code Art. 18, 23); someone acting for them is an agent (agents)`,
      });
  });
  return out;
}

/**
 * Who signs for party `p` and under what name, or why they may not (a message naming the rule).
 * `agent`: the index of the party's 委托代理人 who signs for them, if one does.
 */
export function partySigner(
  p: Party,
  agent: number | undefined,
  atIso: string,
): { name: string } | { refusal: string } {
  if (agent !== undefined) {
    const a = p.agents?.[agent];
    if (!a)
      return {
        refusal: `当事人“${p.name}”没有第${agent + 1}位委托代理人 / party "${p.name}" has no agent no. ${agent + 1}`,
      };
    if (a.authority !== 'special')
      return {
        refusal: `委托代理人“${a.name}”仅有一般授权，不能代为签署调解协议；代为签署须有当事人的特别授权（民法典第一百六十五条；参照民事诉讼法第六十二条） / agent "${a.name}" holds general authority only: signing the agreement for a party needs special authority (Civil Code Art. 165; cf. Civil Procedure Law Art. 62)`,
      };
    return { name: `${p.name}（委托代理人：${a.name}）` };
  }
  if (needsLegalRepresentative(p, atIso)) {
    if (!p.legalRepresentative)
      return {
        refusal: `当事人“${p.name}”不具有完全民事行为能力，须由法定代理人代为签名（民法典第十九条至第二十三条） / party "${p.name}" lacks full civil capacity and signs through a legal representative (Civil Code Art. 19–23)`,
      };
    return { name: `${p.name}（法定代理人：${p.legalRepresentative.name}）` };
  }
  return { name: p.name };
}

/**
 * The party an agreement's term binds, when it is one whose 法定代理人 answers for it (by the
 * obligor's name), with that representative: the documents name them (民法典 Art. 23, 34, 1188).
 */
export function answeringRepresentative(
  parties: readonly Party[],
  obligor: string | undefined,
  atIso: string,
): { party: Party; representative: string } | undefined {
  if (!obligor) return undefined;
  const party = parties.find((p) => p.name === obligor.trim());
  if (!party?.legalRepresentative || !needsLegalRepresentative(party, atIso)) return undefined;
  return { party, representative: party.legalRepresentative.name };
}
