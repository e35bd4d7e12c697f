/**
 * What a party's page shows (api/routes/party-case.ts): the case's stage in plain words and what
 * happens next, the deadline in Beijing time, the meeting, the documents meant for the party, and
 * which of its own actions it may take now (upload evidence, withdraw, rate).
 *
 * Whose data a party sees (docs/security.md, "The parties' page"): its own as on file; the other
 * parties as an agency representative sees them (the `agency` row of security/visibility.ts): names
 * in full (the parties know with whom they are in dispute and the agreement they sign names
 * everyone), phones masked, identity numbers left out, addresses to the street, sex, age and the like
 * left out, numbers masked in free text. The reporter (反映人) likewise. Internal notes are not shown.
 */
import { beijingDateTime } from '../domain/beijing-time';
import { allowedActions, type Stage } from '../domain/lifecycle';
import { PARTY_ACTIONS } from '../domain/permissions';
import { LABELS } from '../templates/labels';
import type { DisputeView, Party } from '../domain/types';
import { caseFor } from '../security/visibility';

/** The case as party `index` may see it: the others as an agency sees them, itself as on file. */
export function caseForParty(view: DisputeView, index: number): DisputeView {
  const seen = caseFor('agency', view);
  const own = view.parties[index];
  return { ...seen, parties: seen.parties.map((p, i) => (i === index && own ? own : p)) };
}

interface StageWords {
  title: string;
  next: string;
}

const STAGE_WORDS: Record<Stage, StageWords> = {
  awaiting_acceptance: {
    title: '已登记，等待调解委员会受理',
    next: '调解委员会将在规定时限内决定是否受理，受理后会通知您。',
  },
  in_mediation: {
    title: '调解中',
    next: '人民调解员正在了解情况、与各方沟通；需要时会约您面谈或召开调解会。您可以在下方补充证据材料。',
  },
  meeting_scheduled: {
    title: '已安排调解会',
    next: '请按时参加调解会（时间、地点见下）。不能参加的，请尽早告知调解员。',
  },
  awaiting_signatures: {
    title: '调解协议待签字',
    next: '调解协议已拟好。请仔细阅读；同意的，按调解员的安排签字确认。不同意的，可以拒绝签字。',
  },
  follow_up: {
    title: '调解协议已生效，回访中',
    next: '调解员将回访协议的履行情况。欢迎您对本次调解作出评价。',
  },
  closed: { title: '已结案', next: '本案已办结。' },
};

const CLOSED_WORDS: Record<string, StageWords> = {
  resolved: { title: '调解成功，已结案', next: '本案已办结。调解协议具有法律约束力，当事人应当按照约定履行。' },
  failed: {
    title: '调解不成，调解已终结',
    next: '您可以依法通过仲裁、行政、司法等途径维护自己的权利（人民调解法第二十六条）。',
  },
  withdrawn: { title: '已撤回，已结案', next: '本案因当事人撤回（终止调解）而办结。' },
  not_accepted: { title: '不予受理', next: '调解委员会决定不予受理，已告知您可以向有关机关或者人民法院提出。' },
  merged: { title: '已并案处理', next: '本案已与相关案件合并处理。' },
  performance_referred: {
    title: '协议履行争议，已告知可向人民法院起诉',
    next: '就调解协议的履行或者内容发生争议的，可以向人民法院提起诉讼（人民调解法第三十二条）。',
  },
};

/** The deadline a party cares about at each stage (the one the committee must meet next). */
const STAGE_DEADLINE: Partial<Record<Stage, { kind: keyof NonNullable<DisputeView['deadlines']>; label: string }>> = {
  awaiting_acceptance: { kind: 'accept', label: '受理期限' },
  in_mediation: { kind: 'handling', label: '办理期限' },
  meeting_scheduled: { kind: 'handling', label: '办理期限' },
  awaiting_signatures: { kind: 'signatures', label: '签字期限' },
  follow_up: { kind: 'follow_up', label: '回访时间' },
};

export const RATING_WORDS = ['很不满意', '不满意', '一般', '满意', '很满意'] as const;

export interface PartyDocument {
  kind: string;
  title: string;
}

/** The documents meant for a party now (a copy for the party, rendered from the case as it may see it). */
export function partyDocuments(view: DisputeView): PartyDocument[] {
  const docs: PartyDocument[] = [{ kind: 'rights-notice', title: '人民调解当事人权利义务告知书' }];
  if (view.acceptedAt) docs.unshift({ kind: 'intake', title: '人民调解受理登记表' });
  if (view.meeting)
    docs.push({ kind: 'summons', title: view.meeting.kind === 'invitation' ? '联合调解邀请函' : '联合调解通知' });
  const a = view.agreement;
  if (a && a.form !== 'oral' && (view.stage === 'awaiting_signatures' || a.effectiveAt))
    docs.push({ kind: 'agreement', title: a.effectiveAt ? '人民调解协议书（已生效）' : '人民调解协议书（待签字）' });
  if (view.outcome === 'failed') docs.push({ kind: 'referral', title: '调解终结告知书' });
  if (view.outcome === 'not_accepted') docs.push({ kind: 'refusal-notice', title: '不予受理告知书' });
  return docs;
}

export interface PartyPageModel {
  caseNumber: string;
  title: string;
  category: string;
  stage: Stage;
  stageTitle: string;
  next: string;
  deadline?: { label: string; at: string };
  unitName?: string;
  me: { name: string; role: string };
  others: Array<{ name: string; role: string; phone?: string }>;
  meeting?: { at: string; place: string; remote?: { link: string; platform?: string }; invited: boolean };
  documents: PartyDocument[];
  evidence: Array<{ name: string; at: string; mine: boolean }>;
  mayUpload: boolean;
  mayWithdraw: boolean;
  mayRate: boolean;
  rated?: { rating: number; words: string; comment?: string };
  withdrawn?: boolean;
}

const role = (p: Party) => LABELS['zh-CN'].role[p.role] ?? p.role;

/** What the page shows to party `index` of the case (the full state in, the masked model out). */
export function partyPageModel(full: DisputeView, index: number): PartyPageModel {
  const view = caseForParty(full, index);
  const me = view.parties[index] as Party;
  const words =
    view.stage === 'closed'
      ? (CLOSED_WORDS[view.outcome ?? ''] ?? STAGE_WORDS.closed)
      : view.suspended
        ? { title: '调解暂停', next: '调解暂时中止，恢复后会通知您。' }
        : STAGE_WORDS[view.stage];
  const dl = STAGE_DEADLINE[view.stage];
  const due = dl ? view.deadlines?.[dl.kind]?.dueAt : undefined;
  const flags = {
    suspended: !!view.suspended,
    performed: view.followUp?.performed,
    perTerm: !!view.performance,
  };
  const allowed = new Set(allowedActions(view.stage, flags).filter((a) => PARTY_ACTIONS.includes(a)));
  const rating = view.satisfaction?.find((r) => r.party === index);
  const m = view.meeting;
  return {
    caseNumber: view.caseNumber ?? '（编号中）',
    title: view.title,
    category: LABELS['zh-CN'].category[view.category] ?? view.category,
    stage: view.stage,
    stageTitle: words.title,
    next: words.next,
    ...(due && dl ? { deadline: { label: dl.label, at: beijingDateTime(due) } } : {}),
    ...(view.unit ? { unitName: view.unit.committeeName ?? view.unit.name } : {}),
    me: { name: me.name, role: role(me) },
    others: view.parties
      .map((p, i) => ({ p, i }))
      .filter(({ i }) => i !== index)
      .map(({ p }) => ({ name: p.name, role: role(p), ...(p.phone ? { phone: p.phone } : {}) })),
    ...(m && view.stage !== 'closed'
      ? {
          meeting: {
            at: beijingDateTime(m.at),
            place: m.place,
            invited: m.parties.includes(index),
            ...(m.remoteLink
              ? { remote: { link: m.remoteLink, ...(m.remotePlatform ? { platform: m.remotePlatform } : {}) } }
              : {}),
          },
        }
      : {}),
    documents: partyDocuments(view),
    // The party's own uploads only: others' file names are theirs (and may name people).
    evidence: (view.evidence ?? [])
      .filter((e) => e.by?.type === 'party' && e.by.partyIndex === index)
      .map((e) => ({ name: e.name, at: beijingDateTime(e.at), mine: true })),
    mayUpload: allowed.has('attach-evidence'),
    mayWithdraw: allowed.has('withdraw'),
    mayRate: allowed.has('rate-satisfaction') && !rating,
    ...(rating
      ? {
          rated: {
            rating: rating.rating,
            words: RATING_WORDS[rating.rating - 1] ?? '',
            ...(rating.comment ? { comment: rating.comment } : {}),
          },
        }
      : {}),
    ...(view.outcome === 'withdrawn' ? { withdrawn: true } : {}),
  };
}
