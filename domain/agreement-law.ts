/**
 * What the law asks of a people's mediation agreement and of its judicial confirmation, as pure
 * rules shared by the workflow's validators, the documents and the tests (docs/design.md §5–6).
 *
 * - 人民调解法 Art. 28: an agreement is written (调解协议书) or, where the parties see no need for one,
 *   oral (口头协议), the mediator recording its content; Art. 29: the written agreement states the
 *   content agreed and the manner and time limit of performance (履行的方式、期限); one copy for each
 *   party and one for the committee; Art. 30: an oral agreement takes effect when the parties reach it;
 *   Art. 31: it binds the parties (具有法律约束力); Art. 32: a dispute over its performance or content
 *   may be brought to a people's court; Art. 33: within 30 days of effectiveness the parties may
 *   jointly apply for judicial confirmation.
 * - 民事诉讼法 (2023) Art. 205: the joint application goes to the basic court where the parties are
 *   domiciled, where the subject matter is, or where the mediation organisation is (we propose the
 *   last); Art. 206: the court rules the agreement valid (裁定调解协议有效: on non-performance the other
 *   party may apply for enforcement) or rejects the application (裁定驳回申请).
 * - 法释〔2011〕5号 Art. 3: the materials filed with the application.
 */
import { chineseOrdinal } from './money';
import type { Agreement, DisputeView, Term } from './types';

/**
 * A term that cannot be performed as written: its manner of performance, or its deadline (a date, or
 * an explicit 即时履行), is missing (人民调解法 Art. 29(3)). Terms are numbered from 1 as printed.
 * Undefined when every term is sound.
 */
export function termProblem(terms: readonly Term[]): string | undefined {
  if (terms.length === 0)
    return "调解协议至少应有一项协议内容（人民调解法第二十九条） / an agreement needs at least one term (People's Mediation Law Art. 29)";
  for (const [i, t] of terms.entries()) {
    const n = i + 1;
    if (!t.method?.trim())
      return `第${n}项协议内容未载明履行方式（人民调解法第二十九条） / term ${n} states no manner of performance (People's Mediation Law Art. 29)`;
    if (t.immediate && t.dueDate)
      return `第${n}项协议内容既载明履行期限又注明即时履行，只能择一 / term ${n} has both a deadline and immediate performance: choose one`;
    if (!t.immediate && !t.dueDate)
      return `第${n}项协议内容未载明履行期限（应写明日期或注明即时履行，人民调解法第二十九条） / term ${n} states no time limit of performance: give a date or mark it as performed immediately (People's Mediation Law Art. 29)`;
  }
  return undefined;
}

/** A count in Chinese numerals as used in 一式N份 (2 → 两, 4 → 四, 12 → 十二). */
export function chineseCount(n: number): string {
  return n === 2 ? '两' : chineseOrdinal(n);
}

/** 人民调解法 Art. 29: one copy for each party and one for the committee — 本协议一式四份 for three parties. */
export function copiesClause(parties: number): string {
  return `一式${chineseCount(parties + 1)}份`;
}

/** Whether the agreement was reached orally (Art. 28, recorded on a 口头协议登记表) rather than written. */
export const isOral = (agreement: Pick<Agreement, 'form'> | undefined): boolean => agreement?.form === 'oral';

/**
 * 民事诉讼法 (2023) Art. 205(2), 法释〔2011〕5号 Art. 2: the basic people's court where the committee
 * is located — the court of its county, county-level city or district (a district's court carries
 * its city's name: 常德市武陵区人民法院). `chain` is the committee's unit and the units above it.
 * Undefined when the committee sits above every county (the parties then choose among the courts
 * Art. 205 names).
 */
export function basicCourtName(chain: ReadonlyArray<{ name: string; level: string }>): string | undefined {
  const county = chain.find((u) => u.level === 'county');
  if (!county) return undefined;
  const city = chain.find((u) => u.level === 'city');
  const name = county.name.endsWith('区') && city ? `${city.name}${county.name}` : county.name;
  return `${name}人民法院`;
}

/**
 * 法释〔2011〕5号 Art. 3 (and 民诉法解释 Art. 355–356): what the joint application is filed with.
 * Printed on the application as its list of materials (zh-CN, en).
 */
export const JUDICIAL_MATERIALS: ReadonlyArray<readonly [string, string]> = [
  ['司法确认申请书', 'this application'],
  ['人民调解协议书（原件）', "the people's mediation agreement (original)"],
  [
    '各申请人的身份证明（居民身份证复印件；组织为营业执照或登记证书复印件）',
    "each applicant's proof of identity (ID card copy; for an organisation, its business licence or registration certificate)",
  ],
  [
    '资格证明（法定代表人或者负责人身份证明书；法定代理人的监护关系证明）',
    "proof of capacity (the legal representative's or person in charge's certificate; a guardian's proof of guardianship)",
  ],
  [
    '与调解协议相关的财产权利证明等证明材料',
    'proof of the property rights and other evidence relating to the agreement',
  ],
  [
    '人民调解委员会主持调解的证明（调解记录等）',
    "the committee's proof that it conducted the mediation (mediation record)",
  ],
  ['各申请人的送达地址、电话号码等联系方式', "each applicant's address for service and telephone number"],
  [
    '委托他人代为申请的，委托人签名或者盖章的授权委托书',
    'where an agent applies, the power of attorney signed or sealed by the principal',
  ],
];

/** 民事诉讼法 Art. 206: what the court ruled on the application. */
export type JudicialRuling = 'valid' | 'rejected';

/** Whether the judicial confirmation of the case's agreement can (still) be recorded: a written agreement in effect, and, once the case is closed, while the workflow still watches its window or a pending ruling. */
export function judicialRecordable(view: Pick<DisputeView, 'stage' | 'agreement' | 'deadlines' | 'outcome'>): boolean {
  const a = view.agreement;
  if (!a?.effectiveAt || isOral(a)) return false;
  if (view.stage === 'follow_up') return true;
  // Closed with the agreement still in force (resolved, or its performance dispute referred to court: Art. 32).
  if (view.stage !== 'closed' || !(view.outcome === 'resolved' || view.outcome === 'performance_referred'))
    return false;
  return !!(view.deadlines?.judicial_confirmation || view.deadlines?.judicial_ruling);
}

/** 法释〔2011〕5号 Art. 4–5: 3 days to accept, 15 to decide, 10 more with the president's approval — the case waits this long for the ruling to be recorded. */
export const JUDICIAL_RULING_WAIT_DAYS = 28;
