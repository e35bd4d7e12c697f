/**
 * Who signs and seals for a people's mediation committee, and which committee takes a case (issue
 * 21, item 1). Pure rules, shared by the workflow's guard (domain/permissions.ts), the sign and seal
 * handlers, the escalation step and the console.
 *
 * - A committee is its own record: a grid has none; the committee holding the case is the only one
 *   whose mediators sign its agreement and whose seal goes on it (人民调解法 Art. 29: "人民调解员签名
 *   并加盖人民调解委员会印章"). Art. 19 lets a committee appoint one or several mediators, so each of
 *   the holding committee's mediators signs as themself.
 * - The seal is the committee's: its 主任 (Art. 8: "设主任一人") affixes it, or a member it authorises
 *   (`sealAuthorised`, set by the admin). It comes last, once every party and a mediator have
 *   signed (2002《人民调解工作若干规定》Art. 35 (5): 当事人签名，调解主持人签名，人民调解委员会印章).
 * - Above the street a case goes, by category, to a 行业性专业性人民调解委员会 or to the county's
 *   矛盾纠纷调处中心 (Art. 34: committees set up by townships, streets and other organisations).
 */
import type { Category, Level } from './lifecycle';
import type { Actor, Agreement, Party } from './types';

export const UNIT_KINDS = ['region', 'center', 'professional'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** What the sign/seal rules need to know of the case. */
export interface CommitteeScope {
  unitCode?: string;
  unitName?: string;
  committeeName?: string;
}

/** Staff of the holding unit itself (not of a unit above, not an admin, not a grid worker). */
const ownStaff = (actor: Actor, scope: CommitteeScope): boolean =>
  (actor.role === 'mediator' || actor.role === 'supervisor') && !!actor.unitCode && actor.unitCode === scope.unitCode;

/**
 * Why `actor` may not record signatures on the holding committee's agreement (403), or undefined.
 * The signatures are recorded by the committee's own mediators (its 主任 is one of them, Art. 8):
 * the recorder (记录人) is named on the agreement.
 */
export function signRefusal(actor: Actor, scope: CommitteeScope): string | undefined {
  if (ownStaff(actor, scope)) return undefined;
  const committee = scope.committeeName || '本调解委员会';
  return (
    `只有${committee}的人民调解员可以在其调解协议上签名或记录签名（人民调解法第十九条、第二十九条）；` +
    `${actor.name}不是该委员会的调解员 / only the mediators of ${committee}, the committee holding the case, ` +
    `sign or record signatures on its agreement (People's Mediation Law Art. 19, 29)`
  );
}

/** Why `actor` may not affix the holding committee's seal (403), or undefined. */
export function sealRefusal(actor: Actor, scope: CommitteeScope): string | undefined {
  if (ownStaff(actor, scope) && (actor.role === 'supervisor' || actor.sealAuthorised === true)) return undefined;
  const committee = scope.committeeName || '本调解委员会';
  return (
    `${committee}的印章由该委员会主任或经其授权的委员加盖（人民调解法第八条、第二十九条）；` +
    `${actor.name}无权用印 / the seal of ${committee} is affixed by its director (主任) or a member it ` +
    `has authorised (People's Mediation Law Art. 8, 29)`
  );
}

/** Art. 29, Art. 19: why a mediator's signature cannot be added now (422), or undefined. */
export function mediatorSignatureRefusal(actor: Actor, agreement: Pick<Agreement, 'signatures'>): string | undefined {
  const again = agreement.signatures.some(
    (s) => s.signer === 'mediator' && (s.mediatorId ?? s.recordedBy) === actor.id,
  );
  if (!again) return undefined;
  return `人民调解员${actor.name}已在本协议上签名，不能重复签名 / mediator ${actor.name} has already signed this agreement`;
}

/**
 * The seal comes last (2002 规定 Art. 35 (5), 人民调解法 Art. 29): why it cannot be affixed yet (422),
 * naming who has still to sign, or undefined.
 */
export function sealTooEarly(
  agreement: Pick<Agreement, 'signatures'>,
  parties: Pick<Party, 'name'>[],
): string | undefined {
  const signed = new Set(agreement.signatures.map((s) => s.signer));
  const missing = parties.map((p, i) => (signed.has(`party:${i}`) ? undefined : p.name)).filter((n) => n !== undefined);
  const mediator = signed.has('mediator');
  if (missing.length === 0 && mediator) return undefined;
  const zh = [...missing, ...(mediator ? [] : ['人民调解员'])].join('、');
  const en = [...missing.map((n) => n), ...(mediator ? [] : ['a mediator'])].join(', ');
  return (
    `各方当事人和人民调解员签名后方可加盖人民调解委员会印章，尚未签名：${zh}（人民调解法第二十九条） / ` +
    `the committee's seal comes last, after every party and a mediator have signed; still to sign: ${en} ` +
    `(People's Mediation Law Art. 29)`
  );
}

/** A unit as the escalation rule sees it. */
export interface DirectoryUnit {
  code: string;
  level: Level;
  parentCode?: string | null;
  kind?: UnitKind | null;
  categories?: readonly string[] | null;
}

/**
 * Where a case escalated from `from` goes: from a street, under the same county, to the
 * 行业性专业性人民调解委员会 that takes its category, else to the county's 矛盾纠纷调处中心, else (a
 * directory without either) to the county itself; from a center or a professional committee, past
 * the county to the level above it; otherwise to the parent. `children` are the parent's children.
 */
export function escalationTarget<U extends DirectoryUnit>(
  from: DirectoryUnit,
  parent: U,
  children: readonly U[],
  category: Category | string,
): U {
  if (from.level !== 'street') return parent;
  const professional = children.find((u) => u.kind === 'professional' && (u.categories ?? []).includes(category));
  if (professional) return professional;
  return children.find((u) => u.kind === 'center') ?? parent;
}

/** Specialised units sit under their county but take the county's place: their escalation skips it. */
export const skipsParent = (u: Pick<DirectoryUnit, 'kind'>): boolean => !!u.kind && u.kind !== 'region';

/**
 * Breach of the accept deadline (接单超时): a community's ticket still goes up to its street
 * automatically (when the policy says so); from the street up it is not moved, a 督办 alert goes to
 * the supervisors above instead.
 */
export const acceptBreachSupervised = (level: Level | undefined): boolean =>
  level === 'street' || level === 'county' || level === 'city';

/** The code of the parent of a unit from its materialised path (`/changde/jinshi/x/` → `jinshi`). */
export function parentCodeOf(path: string | undefined): string | undefined {
  const parts = (path ?? '').split('/').filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}
