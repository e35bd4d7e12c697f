/**
 * The demo history's past (issue 6): months of CLOSED cases in the read model, so that the public
 * Safety Index board has rankings with a trend and case lists have a past on a first start.
 *
 * Past months cannot be made by real workflows (time only moves forward), so these cases are
 * synthetic read-model rows, written the way the projection writes them: the case (`disputes`, the
 * workflow's view as its `state`), its history (`dispute_events`, with the workflow's event types and
 * payloads), its alerts (acknowledged long ago), case and agreement numbers from the committees'
 * counters (so the live cases continue the sequence) and, for each agreement that took effect, the
 * frozen and hashed original (as `sealAgreement` makes it, so documents and verification work).
 *
 * They are marked: reported by the actor `demo-history` (created_by_id = 'demo-history', shown as
 * 演示历史数据), ids `demo-history-NNNN`. They are closed and have no workflow: the API reads them
 * from the read model like any case, and refuses actions on them (409, the case is closed).
 *
 * Generation is deterministic for a given `now` and seed, and written in one transaction (numbers,
 * agreements, cases, events, alerts): a run that fails leaves nothing behind.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { canonicalAgreement } from '../activities/agreements';
import { unitRef } from '../activities/directory';
import { computeSafetyIndex } from '../activities/safety-index';
import type { Category } from '../domain/lifecycle';
import { chinaYear, formatNumber, type NumberKind } from '../domain/numbering';
import { chinaDate } from '../domain/safety-index';
import { followUpDeadline } from '../domain/sla';
import type { Actor, Agreement, DisputeView, Escalation, Meeting, Party, Signature } from '../domain/types';
import { sha256Hex } from '../security/credentials';
import { verificationCode } from '../security/verification-code';
import { verificationKey } from '../db/verification-key';
import { agreementModel } from '../templates/models';
import type { DocumentRenderer } from '../templates/render';
import { caseTexts, surnames, type CaseTexts } from './texts';
import { Agency, Unit, User } from '../db/entities';
import { beijingDateTime } from '../domain/beijing-time';

/** Who reported every past case of the demo history: the mark that makes them recognisable. */
export const DEMO_HISTORY_ACTOR: Actor = { type: 'system', id: 'demo-history', name: '演示历史数据', role: 'system' };
export const DEMO_HISTORY_ID_PREFIX = 'demo-history-';

const SYSTEM: Actor = { type: 'system', id: 'system', name: '系统', role: 'system' };
const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** Whether the past of the demo history is in the database already. */
export async function hasPastHistory(em: EntityManager): Promise<boolean> {
  const rows = await em.execute<{ found: boolean }[]>(
    `select exists(select 1 from disputes where created_by_id = ?) as found`,
    [DEMO_HISTORY_ACTOR.id],
  );
  return !!rows[0]?.found;
}

export interface PastHistoryOptions {
  now?: Date;
  /** Months of history, the current one included (default 6). */
  months?: number;
  /** Communities whose cases are made (default: every community of the directory). */
  communities?: string[];
  seed?: number;
}

export interface PastHistoryResult {
  cases: number;
  byOutcome: Record<string, number>;
  agreements: number;
  events: number;
  alerts: number;
  /** Ids of the cases made, oldest first. */
  ids: string[];
}

/* ------------------------------------------------------------------------------------------------
 * Randomness: a seeded generator, so the same `now` and seed give the same history.
 */
type Rand = () => number;
function mulberry32(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
class Dice {
  constructor(readonly r: Rand) {}
  chance = (p: number): boolean => this.r() < p;
  between = (a: number, b: number): number => a + (b - a) * this.r();
  int = (a: number, b: number): number => Math.floor(this.between(a, b + 1));
  pick = <T>(items: readonly T[]): T => items[Math.floor(this.r() * items.length)]!;
  gauss = (): number => Math.sqrt(-2 * Math.log(1 - this.r())) * Math.cos(2 * Math.PI * this.r());
  weighted<T>(items: Array<[T, number]>): T {
    let x = this.r() * items.reduce((s, [, w]) => s + w, 0);
    for (const [item, w] of items) if ((x -= w) < 0) return item;
    return items[items.length - 1]![0];
  }
}
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/* ------------------------------------------------------------------------------------------------
 * Regions: each community follows a course over the months (improving, slipping, steady), so the
 * board's trend lines and ranks move; its grids follow it with an offset of their own.
 */
const COURSES = [
  { base: 0.74, slope: 0.034 }, // a weak start, steadily better (红/橙 → 优)
  { base: 0.93, slope: -0.014 }, // good, slipping a little
  { base: 0.83, slope: 0.012 },
  { base: 0.7, slope: 0.02 },
] as const;

/** Cases reported per 10,000 residents a month, and the categories' shares by month (China). */
const MONTHLY_RATE_PER_10K = 12;
function categoryWeights(month: number): Array<[Category, number]> {
  const summer = month >= 6 && month <= 9;
  const yearEnd = month >= 11 || month === 1;
  return [
    ['neighbour', 24],
    ['property', 18],
    ['noise', summer ? 20 : 12],
    ['family', 9],
    ['labour', yearEnd ? 20 : 7],
    ['consumer', 8],
    ['land', 5],
    ['traffic', 8],
    ['other', 6],
  ];
}

interface Directory {
  units: Map<string, Unit>;
  mediators: Map<string, Actor>;
  supervisors: Map<string, string>;
  agencies: Map<string, string>;
  reps: Map<string, Actor>;
}

async function loadDirectory(em: EntityManager): Promise<Directory> {
  const units = new Map((await em.find(Unit, {})).map((u) => [u.code, u]));
  const users = await em.find(User, { active: true }, { orderBy: { username: 'asc' } });
  const actorOf = (u: User): Actor => ({
    type: 'staff',
    id: u.id,
    name: u.displayName,
    role: u.role,
    unitCode: u.unitCode ?? undefined,
    unitPath: u.unitCode ? units.get(u.unitCode)?.path : undefined,
    agencyCode: u.agencyCode ?? undefined,
  });
  const mediators = new Map<string, Actor>();
  const supervisors = new Map<string, string>();
  const reps = new Map<string, Actor>();
  for (const u of users) {
    // The unit's first mediator (`mediator@<unit>`), not a second one (`mediator2@…`, who sorts before it).
    const first = u.username.startsWith('mediator@');
    if (u.role === 'mediator' && u.unitCode && (first || !mediators.has(u.unitCode)))
      mediators.set(u.unitCode, actorOf(u));
    if (u.role === 'supervisor' && u.unitCode && !supervisors.has(u.unitCode)) supervisors.set(u.unitCode, u.username);
    if (u.role === 'agency_rep' && u.agencyCode && !reps.has(u.agencyCode)) reps.set(u.agencyCode, actorOf(u));
  }
  const agencies = new Map((await em.find(Agency, {})).map((a) => [a.code, a.name]));
  return { units, mediators, supervisors, agencies, reps };
}

/** The unit's mediator: its staff member if it has one, else a named stand-in of the demo history. */
function mediatorOf(dir: Directory, unit: Unit): Actor {
  return (
    dir.mediators.get(unit.code) ?? {
      type: 'staff',
      id: `demo-history:${unit.code}`,
      name: `${unit.name}调解员`,
      role: 'mediator',
      unitCode: unit.code,
      unitPath: unit.path,
    }
  );
}
function repOf(dir: Directory, code: string): Actor {
  return (
    dir.reps.get(code) ?? {
      type: 'staff',
      id: `demo-history:${code}`,
      name: `${dir.agencies.get(code) ?? code}代表`,
      role: 'agency_rep',
      agencyCode: code,
    }
  );
}

/* ------------------------------------------------------------------------------------------------
 * One past case, played through the lifecycle as the workflow would have: the view it ends with,
 * its events, its alerts and the agreements to seal.
 */
interface PastEvent {
  seq: number;
  type: string;
  at: number;
  actor: Actor;
  payload: Record<string, unknown>;
}
interface PastAlert {
  kind: string;
  stageEntry: number;
  unit: Unit;
  at: number;
  ackedAt: number;
  message: (caseNumber: string) => string;
}
interface PendingSeal {
  agreement: Agreement;
  snapshot: DisputeView;
  effectiveAt: string;
  payload: Record<string, unknown>;
}
interface PastCase {
  view: DisputeView;
  community: Unit;
  events: PastEvent[];
  alerts: PastAlert[];
  seals: PendingSeal[];
  received: number;
  end: number;
  /** When the judicial-confirmation window of its last agreement closes (resolved cases). */
  windowEnds?: number;
}

interface Plan {
  origin: Unit;
  community: Unit;
  received: number;
  quality: number;
  seed: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const chinaMidnight = (date: string): number => Date.parse(`${date}T00:00:00+08:00`);

/**
 * Plays a case; `pace` < 1 plays it faster (every wait shorter), for the cases that came in recently
 * and must be closed before today.
 */
function playCase(dir: Directory, plan: Plan, pace = 1): PastCase {
  const d = new Dice(mulberry32(plan.seed));
  const q = plan.quality;
  const { origin, community } = plan;
  const street = community.parentCode ? dir.units.get(community.parentCode) : undefined;
  const monthOf = new Date(plan.received + 8 * HOUR).getUTCMonth() + 1;
  const category = d.weighted(categoryWeights(monthOf));
  const used = new Set<string>();
  const texts: CaseTexts = caseTexts(category, {
    person: () => {
      let s = d.pick(surnames());
      for (let i = 0; used.has(s) && i < 20; i++) s = d.pick(surnames());
      used.add(s);
      return `${s}某`;
    },
    place: origin.name,
    yuan: (min, max, step = 100) => Math.round(d.between(min, max) / step) * step,
    pick: d.pick,
  });
  const high = d.chance(0.025);
  const channel =
    origin.level === 'grid'
      ? d.weighted<string>([
          ['grid-patrol', 5],
          ['580-app', 3],
          ['12345', 2],
        ])
      : d.weighted<string>([
          ['580-app', 5],
          ['12345', 4],
          ['open311', 1],
        ]);

  let t = plan.received;
  const view: DisputeView = {
    disputeId: '',
    caseNumber: '',
    stage: 'awaiting_acceptance',
    stageEntry: 0,
    level: community.level,
    unit: unitRef(community),
    originCode: origin.code,
    category,
    priority: high ? 'urgent' : 'normal',
    title: texts.title,
    description: high ? `${texts.description}双方情绪激动，一方扬言要报复。` : texts.description,
    parties: texts.parties,
    channel,
    reportedBy: DEMO_HISTORY_ACTOR,
    receivedAt: iso(t),
    risk: high ? { high: true, reasons: ['keyword: 报复'] } : { high: false, reasons: [] },
    deadlines: {},
    overdue: false,
    escalations: [],
    notes: [],
    pastMeetings: [],
    pastAgreements: [],
    seq: 0,
  };
  const c: PastCase = {
    view,
    community,
    events: [],
    alerts: [],
    seals: [],
    received: plan.received,
    end: plan.received,
  };
  let unit = community;

  const emit = (
    type: string,
    actor: Actor,
    at: number,
    payload: Record<string, unknown> = {},
  ): Record<string, unknown> => {
    c.events.push({ seq: 0, type, at, actor, payload });
    c.end = Math.max(c.end, at);
    return payload;
  };
  const alert = (kind: string, at: number, message: (n: string) => string): void => {
    c.alerts.push({ kind, stageEntry: view.stageEntry, unit, at, ackedAt: at + d.between(0.2, 6) * HOUR, message });
  };
  const enter = (stage: DisputeView['stage']): void => {
    view.stage = stage;
    view.stageEntry += 1;
  };
  const hours = (a: number, b: number): number => d.between(a, b) * HOUR * pace;
  /** Staff act in office hours (08:30–18:00 in China): a time outside them moves to the next morning. */
  const office = (ms: number): number => {
    const local = ms + 8 * HOUR;
    const h = (local - Math.floor(local / DAY) * DAY) / HOUR;
    if (h >= 8.5 && h <= 18) return ms;
    return ms + ((h < 8.5 ? 8.5 - h : 32.5 - h) + d.between(0, 1.5)) * HOUR;
  };

  // Intake 登记
  enter('awaiting_acceptance');
  emit('received', DEMO_HISTORY_ACTOR, t, { unit: unit.code, caseNumber: '' });
  if (high) {
    const text =
      '高风险纠纷（关键词：报复）：可能激化为刑事案件或治安案件，已启用紧急时限，建议同时报告当地公安机关（人民调解法第二十五条）。';
    view.notes.push({ at: iso(t), by: SYSTEM, text });
    alert('high_risk', t, (n) => `${n} ${text}`);
    emit('high_risk_flagged', SYSTEM, t, { reasons: view.risk!.reasons });
  }

  const escalate = (actor: Actor, at: number, reason: string, automatic: boolean, kind: Escalation['kind']): void => {
    const to = street!;
    view.escalations.push({
      at: iso(at),
      from: unit.code,
      to: to.code,
      fromName: unit.name,
      toName: to.name,
      reason,
      automatic,
      kind,
    });
    emit('escalated', actor, at, { from: unit.code, to: to.code, reason, automatic });
    unit = to;
    view.unit = unitRef(to);
    view.level = to.level;
    view.acceptedAt = undefined;
    view.acceptedBy = undefined;
    view.assignee = undefined;
    enter('awaiting_acceptance');
  };
  const accept = (at: number): Actor => {
    const actor = mediatorOf(dir, unit);
    view.acceptedAt = iso(at);
    view.acceptedBy = actor;
    view.assignee = { id: actor.id, name: actor.name };
    enter('in_mediation');
    emit('accepted', actor, at, { unit: unit.code });
    return actor;
  };

  // Accept 接单: on time, or breached and handed up automatically.
  const acceptDue = t + (high ? HOUR : DAY);
  let mediator: Actor;
  if (street && d.chance(0.45 * (1 - q))) {
    const warnAt = t + 0.8 * (acceptDue - t);
    alert('accept_warning', warnAt, (n) => `${n} 待${community.name}接单，将于${beijingDateTime(acceptDue)}超时`);
    alert('accept_breach', acceptDue, (n) => `${n} ${community.name}未在时限内接单`);
    emit('deadline_breached', SYSTEM, acceptDue, { kind: 'accept', unit: community.code, dueAt: iso(acceptDue) });
    escalate(SYSTEM, acceptDue, '接单超时，自动上报', true, 'breach');
    t = office(acceptDue + hours(0.5, 5));
  } else {
    t = high ? t + hours(0.1, 0.8) : office(t + hours(0.3, 6));
  }
  mediator = accept(t);
  let handlingFrom = t;

  const outcome = d.weighted<'resolved' | 'failed' | 'withdrawn'>([
    ['resolved', 0.5 + 0.42 * q],
    ['failed', (0.5 - 0.42 * q) * 0.65],
    ['withdrawn', (0.5 - 0.42 * q) * 0.35],
  ]);

  // Mediation 调处: a visit, perhaps a hand-up to the street.
  if (d.chance(0.6)) {
    t = office(t + hours(2, 40));
    view.notes.push({ at: iso(t), by: mediator, text: texts.note });
    emit('note_added', mediator, t, { text: texts.note });
  }
  if (street && unit === community && outcome !== 'withdrawn' && d.chance(0.05 + 0.3 * (1 - q))) {
    t = office(t + hours(20, 90));
    escalate(mediator, t, texts.escalationReason, false, 'escalate');
    t = office(t + hours(1, 8));
    mediator = accept(t);
    handlingFrom = t;
  }
  const handlingDays = (high ? 3 : unit.level === 'street' ? 20 : 9) * pace;
  if (d.chance(0.5 * (1 - q))) {
    const due = handlingFrom + handlingDays * DAY;
    const unitName = unit.name;
    alert(
      'handling_warning',
      handlingFrom + 0.8 * handlingDays * DAY,
      (n) => `${n} ${unitName}调处期限将于${beijingDateTime(due)}届满`,
    );
    alert('handling_breach', due, (n) => `${n} ${unitName}调处超期`);
    emit('deadline_breached', SYSTEM, due, { kind: 'handling', dueAt: iso(due) });
    t = office(Math.max(t, due) + hours(12, 96));
  } else {
    t = office(Math.max(t, Math.min(t + hours(20, 0.6 * handlingDays * 24), handlingFrom + 0.75 * handlingDays * DAY)));
  }

  const close = (o: NonNullable<DisputeView['outcome']>, at: number): void => {
    view.outcome = o;
    view.closedAt = iso(at);
    view.deadlines = {};
    enter('closed');
  };

  const draft = (at: number): Agreement => {
    const agreement: Agreement = {
      facts: texts.facts,
      matters: texts.matters,
      responsibilities: texts.responsibilities,
      losses: texts.losses,
      terms: texts.terms((days) => chinaDate(new Date(at + Math.max(1, days * pace) * DAY))),
      draftedAt: iso(at),
      draftedBy: mediator,
      signatures: [],
      round: (view.pastAgreements?.length ?? 0) + 1,
    };
    view.agreement = agreement;
    enter('awaiting_signatures');
    emit('agreement_drafted', mediator, at, { terms: agreement.terms.length });
    return agreement;
  };
  /** Signatures, the seal and effectiveness (Art. 29); returns when it took effect. */
  const signAndSeal = (agreement: Agreement, from: number): number => {
    let at = from;
    const signers: Array<[string, Party | undefined]> = [
      ...view.parties.map((p, i): [string, Party] => [`party:${i}`, p]),
      ['mediator', undefined],
    ];
    for (const [signer, party] of signers) {
      at = office(at + (d.chance(0.15) ? hours(18, 30) : hours(0.1, 0.8)));
      const method: Signature['method'] =
        party?.kind === 'organisation' ? 'seal' : party && d.chance(0.4) ? 'fingerprint' : 'signature';
      const witness = method === 'fingerprint' ? `${origin.name}网格员` : undefined;
      // The mediator signs as themself, and records each signature (记录人): domain/committee.ts.
      const name = party ? party.name : mediator.name;
      agreement.signatures.push({
        signer,
        name,
        method,
        witness,
        at: iso(at),
        recordedBy: mediator.id,
        recordedByName: mediator.name,
        ...(party ? {} : { mediatorId: mediator.id }),
      });
      emit('signed', mediator, at, { signer, name, method, witness });
    }
    at = office(at + hours(0.1, 0.5));
    agreement.sealedAt = iso(at);
    agreement.sealedBy = mediator.id;
    emit('sealed', mediator, at, { committee: unit.committeeName });
    const effectiveAt = iso(at);
    const snapshot = JSON.parse(JSON.stringify(view)) as DisputeView;
    agreement.effectiveAt = effectiveAt;
    const followUp = followUpDeadline(
      new Date(at),
      agreement.terms.map((x) => x.dueDate ?? ''),
      Math.max(2, 15 * pace),
    );
    view.followUp = { dueAt: followUp.dueAt };
    enter('follow_up');
    const payload = emit('agreement_effective', mediator, at, { number: '', sha256: '', followUpAt: followUp.dueAt });
    c.seals.push({ agreement, snapshot, effectiveAt, payload });
    return at;
  };
  /** The visit 回访, on or around its due date (an alert if it comes late). */
  const visit = (effective: number, performed: boolean): number => {
    const due = Date.parse(view.followUp!.dueAt);
    // Mostly on time (a few days before it is due); the weaker the region, the more often late.
    let at = office(
      Math.max(effective + DAY * Math.min(1, 2 * pace), due + (d.chance(q) ? -hours(2, 72) : hours(2, 60))),
    );
    if (at > due) {
      alert('follow_up_due', due, (n) => `${n} 已到回访时间，请回访履行情况`);
      emit('follow_up_due', SYSTEM, due, { dueAt: iso(due) });
      at = office(Math.max(at, due + hours(1, 24)));
    }
    const satisfaction = performed ? clamp(Math.round(0.5 + 4.6 * q + 0.8 * d.gauss()), 1, 5) : d.int(1, 2);
    const note = performed
      ? d.pick(['协议已履行完毕，双方表示满意。', '已按协议履行，邻里关系缓和。', '款项已付清，当事人表示认可。'])
      : '被申请人未按期履行协议。';
    view.followUp = { ...view.followUp!, performed, satisfaction, note, recordedAt: iso(at), recordedBy: mediator.id };
    emit('follow_up_recorded', mediator, at, { performed, satisfaction });
    return at;
  };

  if (outcome === 'withdrawn') {
    t = office(t + hours(2, 72));
    view.withdrawal = { at: iso(t), by: mediator.id, reason: texts.withdrawal, party: 0 };
    close('withdrawn', t);
    emit('withdrawn', mediator, t, { reason: texts.withdrawal, party: 0 });
    return c;
  }

  // At the street, most cases go to a joint mediation with the agencies ("吹哨、报到").
  if (unit.level === 'street' && d.chance(0.7)) {
    const convened = t;
    const meetingAt = office(convened + hours(40, 110));
    const meeting: Meeting = {
      round: 1,
      at: iso(meetingAt),
      place: d.chance(0.5) ? `${origin.name}现场` : `${unit.name}人民调解室`,
      agencies: texts.agencies
        .filter((a) => dir.agencies.has(a))
        .map((code) => ({ code, name: dir.agencies.get(code)! })),
      parties: view.parties.map((_, i) => i),
      agenda: texts.agenda,
      convenedBy: mediator,
      convenedAt: iso(convened),
    };
    if (meeting.agencies.length) {
      view.meeting = meeting;
      enter('meeting_scheduled');
      emit('meeting_scheduled', mediator, convened, {
        round: 1,
        at: meeting.at,
        place: meeting.place,
        agencies: meeting.agencies.map((a) => a.code),
        reportInDueAt: iso(convened + 4 * HOUR),
      });
      for (const agency of meeting.agencies) {
        const rep = repOf(dir, agency.code);
        const at = office(convened + hours(0.3, 3.5));
        agency.answer = 'confirmed';
        agency.answeredAt = iso(at);
        agency.answeredBy = rep.id;
        emit('attendance_confirmed', rep, at, { agency: agency.code });
      }
      t = meetingAt + hours(1, 3);
      const agreed = outcome === 'resolved';
      meeting.outcome = {
        result: agreed ? 'agreed' : 'no_agreement',
        facts: texts.facts,
        responsibilities: texts.responsibilities,
        losses: texts.losses,
        recordedAt: iso(t),
      };
      view.pastMeetings = [...(view.pastMeetings ?? []), meeting];
      view.meeting = undefined;
      emit('meeting_outcome_recorded', mediator, t, { result: meeting.outcome.result, round: 1 });
      if (!agreed) {
        view.failure = { at: iso(t), by: mediator.id, reason: '联合调解未达成协议', referral: texts.failure.referral };
        close('failed', t);
        emit('mediation_failed', mediator, t, { referral: texts.failure.referral });
        return c;
      }
    }
  }

  if (outcome === 'failed') {
    view.failure = { at: iso(t), by: mediator.id, reason: texts.failure.reason, referral: texts.failure.referral };
    close('failed', t);
    emit('mediation_failed', mediator, t, { reason: texts.failure.reason, referral: texts.failure.referral });
    return c;
  }

  // Agreement 调解协议书, signatures, effectiveness, the visit; now and then not performed and reopened.
  let effective = signAndSeal(draft(t), t);
  let visited: number;
  if (d.chance(0.25 * (1 - q))) {
    visited = visit(effective, false);
    t = office(visited + hours(20, 70));
    view.pastAgreements = [...(view.pastAgreements ?? []), view.agreement!];
    view.agreement = undefined;
    view.followUp = undefined;
    enter('in_mediation');
    emit('reopened', mediator, t, { reason: '协议未按期履行，申请人要求再次调解。' });
    t = office(t + hours(24, 96));
    effective = signAndSeal(draft(t), t);
  }
  visited = visit(effective, true);
  close('resolved', visited);
  emit('closed', mediator, visited, { outcome: 'resolved' });
  c.windowEnds = effective + 30 * DAY;
  return c;
}

/* ------------------------------------------------------------------------------------------------
 * The whole past: plan the cases month by month, play them, number them in the order they came in,
 * seal their agreements in the order they took effect, and write everything in one transaction.
 */
export async function generatePastHistory(
  em: EntityManager,
  renderer: DocumentRenderer,
  opts: PastHistoryOptions = {},
): Promise<PastHistoryResult> {
  const now = opts.now ?? new Date();
  const months = opts.months ?? 6;
  const dice = new Dice(mulberry32(opts.seed ?? 20_231_128));
  const dir = await loadDirectory(em);
  // History ends where today begins (China): today's figures are the live cases'.
  const today = chinaDate(now);
  const cutoff = chinaMidnight(today);

  const communities = [...dir.units.values()]
    .filter((u) => u.level === 'community' && (!opts.communities || opts.communities.includes(u.code)))
    .sort((a, b) => a.path.localeCompare(b.path));
  const [year, month] = today.split('-').map(Number) as [number, number];
  const plans: Plan[] = [];
  for (let k = months - 1; k >= 0; k--) {
    const index = year * 12 + (month - 1) - k;
    const first = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
    const next = `${Math.floor((index + 1) / 12)}-${String(((index + 1) % 12) + 1).padStart(2, '0')}-01`;
    const from = chinaMidnight(first);
    const until = Math.min(chinaMidnight(next), cutoff);
    if (until <= from) continue;
    const span = (until - from) / (chinaMidnight(next) - from);
    communities.forEach((community, i) => {
      const course = COURSES[i % COURSES.length]!;
      const step = months - 1 - k;
      const quality = clamp(course.base + course.slope * step + 0.025 * dice.gauss(), 0.55, 0.98);
      const grids = [...dir.units.values()].filter((u) => u.parentCode === community.code && u.level === 'grid');
      const origins: Array<[Unit, number]> = [
        ...grids.map((g): [Unit, number] => [g, (1.5 * g.population) / Math.max(1, community.population)]),
        [
          community,
          Math.max(0.2, 1 - grids.reduce((s, g) => s + (1.5 * g.population) / Math.max(1, community.population), 0)),
        ],
      ];
      const offsets = new Map(grids.map((g) => [g.code, 0.06 * dice.gauss()]));
      const count = Math.round((community.population / 10_000) * MONTHLY_RATE_PER_10K * dice.between(0.8, 1.25) * span);
      for (let n = 0; n < count; n++) {
        const origin = dice.weighted(origins);
        const day = Math.floor(dice.r() * Math.max(1, Math.round((until - from) / DAY)));
        const received = from + day * DAY + dice.between(8, 19.5) * HOUR;
        if (received >= until) continue;
        plans.push({
          origin,
          community,
          received,
          quality: clamp(quality + (offsets.get(origin.code) ?? 0), 0.5, 0.99),
          seed: Math.floor(dice.r() * 2 ** 31),
        });
      }
    });
  }

  const cases = plans
    .map((plan) => {
      const c = playCase(dir, plan);
      if (c.end < cutoff) return c;
      // Came in lately: played faster so that it is closed before today, unless that would be a rush.
      const pace = (0.9 * (cutoff - HOUR - plan.received)) / (c.end - plan.received);
      return pace >= 0.15 ? playCase(dir, plan, pace) : undefined;
    })
    .filter((c): c is PastCase => !!c && c.end < cutoff)
    .sort((a, b) => a.received - b.received);
  // The judicial-confirmation window (Art. 33) closes 30 days after effectiveness: recorded when that is past.
  for (const c of cases) {
    if (c.windowEnds && c.windowEnds < cutoff)
      c.events.push({
        seq: 0,
        type: 'judicial_confirmation_window_closed',
        at: c.windowEnds,
        actor: SYSTEM,
        payload: { dueAt: iso(c.windowEnds) },
      });
  }

  for (const [i, c] of cases.entries()) {
    c.view.disputeId = `${DEMO_HISTORY_ID_PREFIX}${String(i + 1).padStart(4, '0')}`;
    c.events.sort((a, b) => a.at - b.at);
    c.events.forEach((e, n) => (e.seq = n + 1));
    c.view.seq = c.events.length;
  }
  const seals = cases
    .flatMap((c) => c.seals.map((s) => ({ c, s })))
    .sort((a, b) => a.s.effectiveAt.localeCompare(b.s.effectiveAt));

  let events = 0;
  let alerts = 0;
  await em.transactional(async (tx) => {
    // Case numbers in the order the cases came in, from the committees' counters.
    const caseNumbers = await allocateNumbers(
      tx,
      'case',
      cases.map((c) => ({ ownerKey: c.view.disputeId, unit: c.community, year: chinaYear(new Date(c.received)) })),
    );
    for (const c of cases) {
      const number = caseNumbers.get(c.view.disputeId)!;
      c.view.caseNumber = number;
      c.events[0]!.payload.caseNumber = number;
      for (const s of c.seals) Object.assign(s.snapshot, { disputeId: c.view.disputeId, caseNumber: number });
    }

    // Agreements numbered by each committee in the order they took effect, frozen and hashed exactly
    // as sealAgreement (activities/agreements.ts) does at effectiveness, here in bulk.
    const ownerOf = (id: string, round: number): string => (round === 1 ? id : `${id}#${round}`);
    const agreementNumbers = await allocateNumbers(
      tx,
      'agreement',
      seals.map(({ c, s }) => ({
        ownerKey: ownerOf(c.view.disputeId, s.agreement.round ?? 1),
        unit: dir.units.get(s.snapshot.unit!.code)!,
        year: chinaYear(new Date(s.effectiveAt)),
      })),
    );
    const key = await verificationKey(tx);
    const frozen = seals.map(({ c, s }) => {
      const number = agreementNumbers.get(ownerOf(c.view.disputeId, s.agreement.round ?? 1))!;
      const signatures = s.snapshot.agreement?.signatures ?? [];
      const code = verificationCode(key, number);
      const html = renderer.render(
        'agreement',
        agreementModel(s.snapshot, { number, effectiveAt: s.effectiveAt, code }),
      );
      const sha256 = sha256Hex(canonicalAgreement(number, html, signatures));
      Object.assign(s.agreement, { number, sha256 });
      Object.assign(s.payload, { number, sha256 });
      return [
        number,
        c.view.disputeId,
        s.agreement.round ?? 1,
        html,
        JSON.stringify(signatures),
        sha256,
        s.effectiveAt,
      ];
    });
    for (const chunk of chunks(frozen, 50)) {
      await tx.execute(
        `insert into agreements (number, dispute_id, round, html, signatures, sha256, effective_at) values ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }

    for (const chunk of chunks(cases, 100)) {
      await tx.execute(
        `insert into disputes (id, case_number, stage, outcome, level, unit_code, unit_path, origin_path, category, priority, title,
                               created_by_type, created_by_id, next_deadline_at, overdue, search_text, seq, state, closed_at, created_at, updated_at)
         values ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, false, ?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict (id) do nothing`,
        chunk.flatMap(({ view: v }) => [
          v.disputeId,
          v.caseNumber,
          v.stage,
          v.outcome ?? null,
          v.level ?? null,
          v.unit!.code,
          dir.units.get(v.unit!.code)!.path,
          dir.units.get(v.originCode)!.path,
          v.category,
          v.priority,
          v.title,
          DEMO_HISTORY_ACTOR.type,
          DEMO_HISTORY_ACTOR.id,
          [v.caseNumber, v.title, v.description, ...v.parties.map((p) => p.name)].filter(Boolean).join('\n'),
          v.seq,
          JSON.stringify(v),
          v.closedAt ?? null,
          v.receivedAt,
          v.closedAt ?? v.receivedAt,
        ]),
      );
    }
    const rows = cases.flatMap((c) => c.events.map((e) => ({ id: c.view.disputeId, e })));
    for (const chunk of chunks(rows, 500)) {
      await tx.execute(
        `insert into dispute_events (dispute_id, seq, type, at, actor, payload) values ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict (dispute_id, seq) do nothing`,
        chunk.flatMap(({ id, e }) => [
          id,
          e.seq,
          e.type,
          iso(e.at),
          JSON.stringify(e.actor),
          JSON.stringify(e.payload),
        ]),
      );
    }
    events = rows.length;
    // Alerts of the past, acknowledged by the unit's supervisor (or marked as the demo history's).
    const raised = cases.flatMap((c) => c.alerts.map((a) => ({ c, a })));
    for (const chunk of chunks(raised, 200)) {
      await tx.execute(
        `insert into alerts (dispute_id, kind, stage_entry, unit_code, unit_path, case_number, message, raised_at, acked_by, acked_at, ack_note)
         values ${chunk.map(() => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         on conflict (dispute_id, kind, stage_entry) do nothing`,
        chunk.flatMap(({ c, a }) => [
          c.view.disputeId,
          a.kind,
          a.stageEntry,
          a.unit.code,
          a.unit.path,
          c.view.caseNumber,
          a.message(c.view.caseNumber!),
          iso(a.at),
          dir.supervisors.get(a.unit.code) ?? DEMO_HISTORY_ACTOR.id,
          iso(Math.min(a.ackedAt, cutoff - 1)),
          '已督办（演示历史数据）',
        ]),
      );
    }
    alerts = raised.length;
  });

  const byOutcome: Record<string, number> = {};
  for (const c of cases) byOutcome[c.view.outcome!] = (byOutcome[c.view.outcome!] ?? 0) + 1;
  return {
    cases: cases.length,
    byOutcome,
    agreements: seals.length,
    events,
    alerts,
    ids: cases.map((c) => c.view.disputeId),
  };
}

/**
 * Numbers for many owners at once, in the order given, with the same tables and guarantees as
 * allocateNumber (db/numbering.ts): per committee and year a counter row, locked by the upsert until
 * the transaction commits, so numbers have no gaps or duplicates, and one allocation row per owner.
 */
async function allocateNumbers(
  tx: EntityManager,
  kind: NumberKind,
  reqs: Array<{ ownerKey: string; unit: Unit; year: number }>,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const groups = new Map<string, typeof reqs>();
  for (const r of reqs) {
    const key = `${r.unit.code}|${r.year}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  for (const group of groups.values()) {
    const { unit, year } = group[0]!;
    const [row] = await tx.execute<{ last_seq: number }[]>(
      `insert into number_counters (unit_code, year, kind, last_seq) values (?, ?, ?, ?)
       on conflict (unit_code, year, kind) do update set last_seq = number_counters.last_seq + excluded.last_seq
       returning last_seq`,
      [unit.code, year, kind, group.length],
    );
    const first = row!.last_seq - group.length + 1;
    const rows = group.map((r, i) => {
      const formatted = formatNumber(kind, unit.committeeShort, year, first + i);
      out.set(r.ownerKey, formatted);
      return [r.ownerKey, kind, unit.code, year, first + i, formatted];
    });
    for (const chunk of chunks(rows, 500)) {
      await tx.execute(
        `insert into number_allocations (owner_key, kind, unit_code, year, seq, formatted) values ${chunk.map(() => '(?, ?, ?, ?, ?, ?)').join(', ')}`,
        chunk.flat(),
      );
    }
  }
  return out;
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The Safety Index of every region for the last `months` months (this one included) and the last
 * `days` days (today included), with the same code as the nightly schedule, a few periods at a time.
 */
export async function computeRecentSafetyIndex(
  em: EntityManager,
  opts: { now?: Date; months?: number; days?: number; concurrency?: number } = {},
): Promise<{ months: string[]; days: string[] }> {
  const now = opts.now ?? new Date();
  const today = chinaDate(now);
  const [year, month] = today.split('-').map(Number) as [number, number];
  const periods: Array<{ periodKind: 'month' | 'day'; date: string }> = [];
  for (let k = (opts.months ?? 6) - 1; k >= 0; k--) {
    const index = year * 12 + (month - 1) - k;
    periods.push({
      periodKind: 'month',
      date: `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`,
    });
  }
  for (let k = (opts.days ?? 3) - 1; k >= 0; k--)
    periods.push({ periodKind: 'day', date: chinaDate(new Date(now.getTime() - k * DAY)) });
  const queue = [...periods];
  await Promise.all(
    Array.from({ length: Math.max(1, opts.concurrency ?? 3) }, async () => {
      for (let p = queue.shift(); p; p = queue.shift()) await computeSafetyIndex(em.fork(), p);
    }),
  );
  return {
    months: periods.filter((p) => p.periodKind === 'month').map((p) => p.date),
    days: periods.filter((p) => p.periodKind === 'day').map((p) => p.date),
  };
}
