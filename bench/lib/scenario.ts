/**
 * The seed's street case (汪家桥, as in test/api/seed-scenarios.test.ts): reported by the 580
 * platform, accepted by the community, escalated to the street, a multi-agency meeting with two
 * agencies reporting in, the parties' consent, an agreed outcome once the meeting has started, three
 * signatures, the 主任's seal and the follow-up visit: the report plus 15 actions. Bodies carry every default explicitly, so the raw Temporal path gets
 * exactly the input the API builds.
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import { actorOf, staffPrincipal } from '../../api/plugins/auth';
import { wangjiaqiaoMaintenanceFund } from '../../test/helpers/fixtures';
import { ApiKey, Unit, User } from '../../db/entities';
import type { Actor, DisputeIntake, StartDisputeInput } from '../../domain/types';

/** The seed article's street case, the same report as test/api/seed-scenarios.test.ts. */
export const streetCaseReport = (): DisputeIntake =>
  ({ priority: 'normal', ...wangjiaqiaoMaintenanceFund() }) as DisputeIntake;

/** The Taoli-grid lift-noise report of the README, with every default spelled out. */
export const taoliReport = (): DisputeIntake => ({
  gridCode: 'yufuci-taoli',
  category: 'noise',
  priority: 'normal',
  title: '小吃店货梯噪音扰民',
  description: '居民陈女士反映楼下小吃店的载货电梯噪音很大，夜间影响休息。',
  parties: [
    { name: '陈某', role: 'applicant', kind: 'person', sex: 'female' },
    { name: '某小吃店', role: 'respondent', kind: 'organisation', representative: '王某' },
  ],
  channel: 'grid-patrol',
});

export interface Step {
  action: string;
  user: string;
  payload: Record<string, unknown>;
  /** Not before this instant (ms): a meeting's outcome is recorded once it has started (issue 21 item 7). */
  notBefore?: number;
}

/** Waits for a step's `notBefore`, if it has one. */
export async function untilDue(step: Step): Promise<void> {
  const wait = (step.notBefore ?? 0) - Date.now();
  if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
}

export const COMMUNITY = 'mediator@wangjiaqiao-community';
export const STREET = 'mediator@wangjiaqiao-street';
export const SAFETY = 'rep@safety-station';
export const HOUSING = 'rep@housing-center';
/** The street committee's 主任, who affixes its seal (人民调解法 Art. 29). */
export const DIRECTOR = 'supervisor@wangjiaqiao-street';
export const STAFF = [COMMUNITY, STREET, SAFETY, HOUSING, DIRECTOR];

export function streetCaseSteps(): Step[] {
  // A meeting soon after it is convened: its outcome waits for the start (issue 21 item 7).
  const meetingMs = Date.now() + 2_000;
  const meetingAt = new Date(meetingMs).toISOString();
  return [
    { action: 'accept', user: COMMUNITY, payload: { note: '社区接单' } },
    { action: 'add-note', user: COMMUNITY, payload: { text: '走访物业公司与业委会，双方对维修基金使用程序分歧较大' } },
    {
      action: 'escalate',
      user: COMMUNITY,
      payload: { reason: '涉及维修基金使用和安全责任，超出社区协调能力，申请街道协调' },
    },
    { action: 'accept', user: STREET, payload: {} },
    // The parties' will on record before a joint meeting (人民调解法 Art. 17, 20, 23–24).
    ...[0, 1].map((party) => ({
      action: 'record-consent',
      user: STREET,
      payload: {
        party,
        consented: true,
        manner: party === 0 ? 'by_application' : 'oral',
        rightsNotice: 'written',
        inviteOthers: true,
      },
    })),
    {
      action: 'schedule-meeting',
      user: STREET,
      payload: {
        at: meetingAt,
        place: '汪家桥社区某小区现场',
        agencies: ['safety-station', 'housing-center'],
        agenda: '明确维修责任、损失和维修方案',
      },
    },
    { action: 'confirm-attendance', user: SAFETY, payload: { note: '安排两名安全员到场' } },
    { action: 'confirm-attendance', user: HOUSING, payload: {} },
    {
      action: 'record-outcome',
      user: STREET,
      notBefore: meetingMs + 50,
      payload: {
        result: 'agreed',
        facts: '经安监站现场查勘，电梯曳引机与外墙存在安全隐患；市住保中心说明维修基金使用程序。',
        matters: '维修基金使用程序、维修责任与费用分担。',
        responsibilities: '物业公司负责组织维修，业委会负责召集业主表决，社区监督。',
        losses: '电梯停运期间业主出行不便，无直接财产损失。',
        terms: [
          {
            text: '业委会于十五日内召开业主大会表决维修基金使用方案',
            obligor: '某小区业主委员会',
            method: '召开业主大会表决',
            dueDate: '2026-12-15',
          },
          {
            text: '物业公司在表决通过后三十日内完成电梯与外墙维修',
            obligor: '津市市某物业服务有限公司',
            amountFen: 8_650_000,
            method: '使用住房维修基金支付',
            place: '汪家桥社区某小区',
            dueDate: '2027-01-15',
          },
        ],
      },
    },
    { action: 'sign', user: STREET, payload: { signer: 'party:0', method: 'signature', witness: '汪家桥社区网格员' } },
    { action: 'sign', user: STREET, payload: { signer: 'party:1', method: 'seal', witness: '汪家桥社区网格员' } },
    { action: 'sign', user: STREET, payload: { signer: 'mediator', method: 'signature' } },
    { action: 'seal', user: DIRECTOR, payload: {} },
    {
      action: 'record-follow-up',
      user: STREET,
      payload: { method: 'home', met: ['周某（业委会）'], performed: true, satisfaction: 4, note: '电梯已恢复运行' },
    },
  ];
}

/** The actor the API would put on a staff member's actions (what auth.ts derives from a token). */
export async function staffActor(orm: MikroORM, username: string): Promise<Actor> {
  const em = orm.em.fork();
  const user = await em.findOneOrFail(User, { username });
  const unit = user.unitCode ? await em.findOne(Unit, { code: user.unitCode }) : null;
  const principal = staffPrincipal(user, unit?.path);
  return actorOf(principal);
}

/** The actor of the demo integrator's API key. */
export async function integratorActor(orm: MikroORM): Promise<Actor> {
  const key = await orm.em.fork().findOneOrFail(ApiKey, { id: 'demo-integrator' });
  return actorOf({ kind: 'integrator', id: key.id, name: key.name });
}

/** What the API hands the workflow for a report (api/report-case.ts). */
export const startInput = (intake: DisputeIntake, disputeId: string, reportedBy: Actor): StartDisputeInput => ({
  ...intake,
  disputeId,
  reportedBy,
  receivedAt: new Date().toISOString(),
});
