/**
 * The demo history (issue 6): what `npm start` adds on a first start so that the mediators' inbox
 * and the public Safety Index board show something real.
 *
 * - A dozen LIVE cases: real workflows, reported through the same code as `POST /api/v1/disputes`
 *   (`reportCase`, or the route itself for staff) and advanced with the API's own actions (`inject`
 *   with staff tokens), in varied stages across both communities and their grids: new tickets,
 *   accepted, suspended, a high-risk one, two escalated to the street with a joint mediation convened
 *   (the agency representatives have summonses to answer), one awaiting signatures, two with an
 *   effective agreement awaiting the follow-up visit. Each carries `externalRef` FQ-DEMO-nn.
 * - The PAST (demo/past-history.ts): six months of closed cases in the read model, marked as the demo
 *   history's, and the Safety Index of each of those months (and of the last days) computed with the
 *   nightly code.
 *
 * Idempotent: the past is made once (its rows are the mark), each live case once (by its reference),
 * and a start that finds both does nothing but two queries. `DEMO_HISTORY=0` skips it; with
 * NODE_ENV=production it runs only when asked (`DEMO_HISTORY=1`).
 */
import type { FastifyInstance } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import { Value } from '@sinclair/typebox/value';
import { buildApp } from '../api/app';
import type { Principal } from '../api/plugins/auth';
import { reportCase } from '../api/report-case';
import { CreateDisputeSchema } from '../api/schemas/dispute';
import { computeRecentSafetyIndex, generatePastHistory, hasPastHistory, type PastHistoryResult } from './past-history';
import { ApiKey } from '../db/entities';
import type { Action, Stage } from '../domain/lifecycle';
import { chinaDate } from '../domain/safety-index';
import type { DisputeIntake } from '../domain/types';
import type { DocumentRenderer } from '../templates/render';

const DAY = 24 * 3600_000;
/** Live cases played side by side (each one's steps in order): the time is round trips to the workflows. */
const DEFAULT_CONCURRENCY = 4;

/** Whether to make the demo history: DEMO_HISTORY=0/1 decides; unset, yes except in production. */
export function demoHistoryWanted(env: NodeJS.ProcessEnv = process.env): { wanted: boolean; why: string } {
  const raw = (env.DEMO_HISTORY ?? '').trim().toLowerCase();
  if (['0', 'false', 'off', 'no'].includes(raw)) return { wanted: false, why: 'DEMO_HISTORY=0' };
  if (['1', 'true', 'on', 'yes'].includes(raw)) return { wanted: true, why: 'DEMO_HISTORY=1' };
  if (raw !== '') throw new Error(`DEMO_HISTORY must be 0 or 1 (got "${env.DEMO_HISTORY}")`);
  if (env.NODE_ENV === 'production') return { wanted: false, why: 'NODE_ENV=production; set DEMO_HISTORY=1 to add it' };
  return { wanted: true, why: 'default' };
}

/* ------------------------------------------------------------------------------------------------
 * The live cases. `by` is who reports it: the demo integrator (平安常德580 / 12345) or a staff
 * member; each step is [who, action, payload] as a client of the API would send it.
 */
type Payload = (now: Date) => object;
interface LiveCase {
  ref: string;
  by: 'integrator' | string;
  report: Omit<DisputeIntake, 'externalRef'>;
  steps: Array<[string, Action, Payload]>;
  /** The stage it stands in once the steps are done. */
  stage: Stage;
}

/** A China date `days` from now (YYYY-MM-DD). */
const dueIn = (now: Date, days: number): string => chinaDate(new Date(now.getTime() + days * DAY));
/** An instant `days` from now at a China wall-clock time. */
const chinaAt = (now: Date, days: number, hhmm: string): string =>
  new Date(`${dueIn(now, days)}T${hhmm}:00+08:00`).toISOString();

const YUFUCI = 'mediator@yufuci-community';
const GRID = 'grid@yufuci-taoli';
const WJQ = 'mediator@wangjiaqiao-community';
const STREET = 'mediator@wangjiaqiao-street';

/**
 * The parties' will on record before a meeting or an agreement (人民调解法 Art. 17, 20, 23–24; 2002
 * 规定 Art. 30): the applicant consented by applying, the respondent orally; both were given the
 * rights notice and agreed to inviting others.
 */
const consent = (user: string): LiveCase['steps'] =>
  [0, 1].map((party) => [
    user,
    'record-consent',
    () => ({
      party,
      consented: true,
      manner: party === 0 ? 'by_application' : 'oral',
      rightsNotice: 'written',
      inviteOthers: true,
    }),
  ]);

export const LIVE_CASES: LiveCase[] = [
  {
    ref: 'FQ-DEMO-01',
    by: GRID,
    report: {
      gridCode: 'yufuci-taoli',
      category: 'noise',
      priority: 'normal',
      title: '楼上住户深夜拖动家具噪音扰民',
      description:
        '网格员巡查时，桃李小区5栋居民陈某反映楼上住户王某家几乎每晚23点后拖动桌椅、走动声音很重，家中老人长期失眠，双方上门沟通时发生口角。',
      parties: [
        {
          name: '陈某',
          role: 'applicant',
          kind: 'person',
          sex: 'female',
          age: 63,
          address: '常德市武陵区渔父祠社区桃李小区5栋',
        },
        { name: '王某', role: 'respondent', kind: 'person', sex: 'male' },
      ],
      channel: 'grid-patrol',
    },
    steps: [],
    stage: 'awaiting_acceptance',
  },
  {
    ref: 'FQ-DEMO-02',
    by: 'integrator',
    report: {
      gridCode: 'yufuci-taoli',
      category: 'neighbour',
      priority: 'normal',
      title: '楼上卫生间渗水致楼下天花板霉变',
      description:
        '居民刘某通过平安常德580反映，楼上赵某家卫生间渗水近两个月，自家卫生间和走廊天花板发霉、墙皮脱落，多次找对方未果。',
      parties: [
        { name: '刘某', role: 'applicant', kind: 'person', sex: 'male', age: 52 },
        { name: '赵某', role: 'respondent', kind: 'person', sex: 'female' },
      ],
      channel: '580-app',
    },
    steps: [
      [YUFUCI, 'accept', () => ({ note: '已电话联系双方，约定上门查看' })],
      [
        YUFUCI,
        'add-note',
        () => ({
          text: '上门查看：渗水点位于楼上卫生间地漏附近，已拍照留存；建议委托第三方检测渗水原因后再商议维修和补偿。',
        }),
      ],
    ],
    stage: 'in_mediation',
  },
  {
    ref: 'FQ-DEMO-03',
    by: 'integrator',
    report: {
      gridCode: 'yufuci-community',
      category: 'property',
      priority: 'normal',
      title: '业主以服务质量差为由拒交物业费',
      description:
        '12345热线转来：某小区物业公司反映业主孙某连续两年未交物业费；孙某称楼道保洁和绿化长期不到位，报修无人处理。',
      parties: [
        { name: '常德某物业服务有限公司', role: 'applicant', kind: 'organisation', representative: '周某' },
        { name: '孙某', role: 'respondent', kind: 'person', sex: 'male' },
      ],
      channel: '12345',
    },
    steps: [],
    stage: 'awaiting_acceptance',
  },
  {
    ref: 'FQ-DEMO-04',
    by: 'integrator',
    report: {
      gridCode: 'yufuci-community',
      category: 'property',
      priority: 'normal',
      title: '私家车位长期被他人占用',
      description: '居民黄某反映，自己购买的地下车位近一个月经常被同小区郭某的车辆占用，物业多次劝离无效。',
      parties: [
        { name: '黄某', role: 'applicant', kind: 'person', sex: 'female' },
        { name: '郭某', role: 'respondent', kind: 'person', sex: 'male' },
      ],
      channel: '580-app',
    },
    steps: [
      [YUFUCI, 'accept', () => ({})],
      [YUFUCI, 'suspend', () => ({ reason: '等待物业调取停车场监控录像，核实占用车辆' })],
    ],
    stage: 'in_mediation',
  },
  {
    ref: 'FQ-DEMO-05',
    by: GRID,
    report: {
      gridCode: 'yufuci-taoli',
      category: 'neighbour',
      priority: 'normal',
      title: '楼道堆物引发争吵，一方扬言报复',
      description:
        '网格员巡查发现，桃李小区2栋马某与罗某因楼道堆放杂物多次争吵，昨晚再次发生推搡，马某扬言要报复，双方情绪激动，需尽快介入。',
      parties: [
        { name: '马某', role: 'applicant', kind: 'person', sex: 'male', age: 45 },
        { name: '罗某', role: 'respondent', kind: 'person', sex: 'male', age: 39 },
      ],
      channel: 'grid-patrol',
      highRisk: true,
    },
    steps: [
      [YUFUCI, 'accept', () => ({ note: '紧急接单，已联系派出所社区民警共同上门' })],
      [
        YUFUCI,
        'add-note',
        () => ({ text: '已分别安抚双方情绪，社区民警到场；楼道杂物由物业当日清理，约定明日到调解室面谈。' }),
      ],
      // 人民调解法 Art. 25: the mediator confirms the report to the police, with the measures taken.
      [
        YUFUCI,
        'refer-to-police',
        () => ({ measures: '已分别约谈双方并告知不得采取过激行为；楼道杂物当日清理；网格员每日走访两户。' }),
      ],
    ],
    stage: 'in_mediation',
  },
  {
    ref: 'FQ-DEMO-06',
    by: 'integrator',
    report: {
      gridCode: 'yufuci-taoli',
      category: 'other',
      priority: 'normal',
      title: '宠物犬未拴绳咬伤邻居',
      description: '居民胡某反映，在小区散步时被邻居黄某未拴绳的宠物犬咬伤小腿，打狂犬疫苗的费用赔偿未谈拢。',
      parties: [
        { name: '胡某', role: 'applicant', kind: 'person', sex: 'female', age: 34 },
        { name: '黄某', role: 'respondent', kind: 'person', sex: 'male', age: 41 },
      ],
      channel: '580-app',
    },
    steps: [
      [YUFUCI, 'accept', () => ({})],
      ...consent(YUFUCI),
      [
        YUFUCI,
        'resolve',
        (now) => ({
          facts: '黄某遛狗未拴绳，犬只咬伤胡某小腿，胡某已接种狂犬疫苗并处理伤口。',
          matters: '医疗及疫苗费用赔偿、文明养犬。',
          responsibilities: '黄某作为饲养人应承担侵权责任（民法典第一千二百四十五条）。',
          terms: [
            {
              text: '黄某赔偿胡某医疗及疫苗费用',
              obligor: '黄某',
              amountFen: 186_000,
              method: '微信转账',
              place: '渔父祠社区人民调解委员会',
              dueDate: dueIn(now, 7),
            },
            { text: '黄某今后遛狗拴绳并及时清理犬只粪便', obligor: '黄某', method: '自觉遵守', immediate: true },
          ],
        }),
      ],
      [YUFUCI, 'sign', () => ({ signer: 'party:0', method: 'signature' })],
      [YUFUCI, 'sign', () => ({ signer: 'party:1', method: 'fingerprint', witness: '桃李网格员' })],
      [YUFUCI, 'sign', () => ({ signer: 'mediator', method: 'signature' })],
      ['supervisor@yufuci-community', 'seal', () => ({})],
    ],
    stage: 'follow_up',
  },
  {
    ref: 'FQ-DEMO-07',
    by: 'integrator',
    report: {
      gridCode: 'yufuci-community',
      category: 'labour',
      priority: 'normal',
      title: '装修工人讨要拖欠工钱',
      description: '12345热线转来：装修工人张某等3人为某装饰工程部施工两个月，完工后尚有工钱18600元未结清。',
      parties: [
        { name: '张某', role: 'applicant', kind: 'person', sex: 'male', age: 48, occupation: '装修工人' },
        { name: '某装饰工程部', role: 'respondent', kind: 'organisation', representative: '钱某' },
      ],
      channel: '12345',
    },
    steps: [
      [YUFUCI, 'accept', () => ({})],
      ...consent(YUFUCI),
      [
        YUFUCI,
        'resolve',
        (now) => ({
          facts: '张某等3人为某装饰工程部完成两套住房装修，经核对考勤和结算单，工程部尚欠工钱18600元。',
          matters: '拖欠劳务报酬的支付。',
          responsibilities: '某装饰工程部应足额支付劳务报酬。',
          terms: [
            {
              text: '某装饰工程部向张某等3人支付所欠工钱',
              obligor: '某装饰工程部',
              amountFen: 1_860_000,
              method: '银行转账',
              place: '渔父祠社区人民调解委员会',
              dueDate: dueIn(now, 10),
            },
          ],
        }),
      ],
      [YUFUCI, 'sign', () => ({ signer: 'party:0', method: 'signature' })],
    ],
    stage: 'awaiting_signatures',
  },
  {
    ref: 'FQ-DEMO-08',
    by: 'integrator',
    report: {
      gridCode: 'wangjiaqiao-g1',
      category: 'property',
      priority: 'normal',
      title: '老旧小区外墙瓷砖脱落，维修责任不清',
      description:
        '业主杨某通过平安常德580反映，小区3栋外墙瓷砖近期多次脱落，险些砸中行人；物业公司称应使用维修基金，业委会认为属物业维保范围，迟迟无人维修。',
      // The owner 杨某 reported it (反映人): the dispute is between the owners' committee and the company.
      parties: [
        {
          name: '某小区业主委员会',
          role: 'applicant',
          kind: 'organisation',
          orgType: 'unincorporated',
          representative: '周某',
          representativeTitle: '业主委员会主任',
        },
        {
          name: '津市市某物业服务有限公司',
          role: 'respondent',
          kind: 'organisation',
          orgType: 'legal_person',
          representative: '刘某',
          representativeTitle: '执行董事兼总经理',
          creditCode: '91430781MA4P8Q2K1X',
        },
      ],
      reporter: { name: '杨某', relation: '小区业主' },
      channel: '580-app',
    },
    steps: [
      [WJQ, 'accept', () => ({})],
      [
        WJQ,
        'add-note',
        () => ({ text: '现场查看：3栋东侧外墙多处空鼓，已设置警示带；物业与业委会对维修责任和资金来源分歧较大。' }),
      ],
      [
        WJQ,
        'escalate',
        () => ({ reason: '涉及外墙安全隐患和维修基金使用，超出社区协调能力，申请街道协调住建和安监部门' }),
      ],
      [STREET, 'accept', () => ({})],
      ...consent(STREET),
      [
        STREET,
        'schedule-meeting',
        (now) => ({
          at: chinaAt(now, 3, '09:30'),
          place: '汪家桥社区某小区3栋楼下',
          agencies: ['safety-station', 'housing-center'],
          agenda: '查明外墙脱落隐患，明确维修责任与维修基金使用程序',
        }),
      ],
    ],
    stage: 'meeting_scheduled',
  },
  {
    ref: 'FQ-DEMO-09',
    by: 'integrator',
    report: {
      gridCode: 'wangjiaqiao-community',
      category: 'labour',
      priority: 'normal',
      title: '建筑工地拖欠农民工工资',
      description:
        '12345热线转来：邓某等5名农民工反映，在辖区某住宅工地干了四个月，劳务公司以总包未付款为由拖欠工资共计6.2万元。',
      parties: [
        { name: '邓某', role: 'applicant', kind: 'person', sex: 'male', age: 50, occupation: '农民工' },
        { name: '某建筑劳务有限公司', role: 'respondent', kind: 'organisation', representative: '许某' },
      ],
      channel: '12345',
    },
    steps: [
      [WJQ, 'accept', () => ({})],
      [WJQ, 'escalate', () => ({ reason: '涉及农民工工资和工地总包、分包责任，需街道协调人社和安监部门' })],
      [STREET, 'accept', () => ({})],
      ...consent(STREET),
      [
        STREET,
        'schedule-meeting',
        (now) => ({
          at: chinaAt(now, 2, '14:30'),
          place: '汪家桥街道人民调解室',
          agencies: ['labor', 'safety-station'],
          agenda: '核实欠薪金额和用工关系，督促总包、分包落实工资支付',
        }),
      ],
      ['rep@safety-station', 'confirm-attendance', () => ({ note: '安排一名安全员到场' })],
    ],
    stage: 'meeting_scheduled',
  },
  {
    ref: 'FQ-DEMO-10',
    by: 'integrator',
    report: {
      gridCode: 'wangjiaqiao-g1',
      category: 'noise',
      priority: 'normal',
      title: '广场舞音响音量过大影响休息',
      description: '临街住户曾某反映，小区广场舞队每晚音响音量很大、常常跳到22点以后，家中孩子无法学习和休息。',
      parties: [
        { name: '曾某', role: 'applicant', kind: 'person', sex: 'female', age: 38 },
        { name: '某广场舞队', role: 'respondent', kind: 'organisation', representative: '彭某' },
      ],
      channel: '580-app',
    },
    steps: [],
    stage: 'awaiting_acceptance',
  },
  {
    ref: 'FQ-DEMO-11',
    by: 'integrator',
    report: {
      gridCode: 'wangjiaqiao-community',
      category: 'property',
      priority: 'normal',
      title: '物业公司撤场交接纠纷',
      description:
        '12345热线转来：某小区原物业公司合同到期后拒不移交设备房钥匙和业主资料，新物业无法进场，小区二次供水和电梯维保面临中断。',
      parties: [
        { name: '某小区业主委员会', role: 'applicant', kind: 'organisation', representative: '吴某' },
        { name: '津市市某物业管理有限公司', role: 'respondent', kind: 'organisation', representative: '林某' },
      ],
      channel: '12345',
    },
    steps: [
      [WJQ, 'accept', () => ({})],
      [WJQ, 'escalate', () => ({ reason: '涉及全小区供水和电梯运行，需街道协调住建部门督促交接' })],
    ],
    stage: 'awaiting_acceptance',
  },
  {
    ref: 'FQ-DEMO-12',
    by: 'integrator',
    report: {
      gridCode: 'wangjiaqiao-g1',
      category: 'property',
      priority: 'normal',
      title: '小区停车收费标准调整引发争议',
      description:
        '业主何某等人反映，物业公司未经业主大会表决将地面停车费由每月80元上调至150元，部分业主拒交并堵住道闸。',
      parties: [
        { name: '何某', role: 'applicant', kind: 'person', sex: 'male' },
        { name: '津市市某物业服务有限公司', role: 'respondent', kind: 'organisation', representative: '刘某' },
      ],
      channel: '580-app',
    },
    steps: [
      [WJQ, 'accept', () => ({})],
      [WJQ, 'add-note', () => ({ text: '已约物业公司提供收费备案材料，并请业委会征集业主意见；道闸已恢复通行。' })],
    ],
    stage: 'in_mediation',
  },
  {
    ref: 'FQ-DEMO-13',
    by: 'integrator',
    report: {
      gridCode: 'wangjiaqiao-g1',
      category: 'neighbour',
      priority: 'normal',
      title: '邻居装修损坏共用水管赔偿',
      description: '居民谢某反映，隔壁韩某家装修时打穿共用水管，导致自家地板泡水起拱，双方对赔偿金额有争议。',
      parties: [
        { name: '谢某', role: 'applicant', kind: 'person', sex: 'female', age: 57 },
        { name: '韩某', role: 'respondent', kind: 'person', sex: 'male', age: 35 },
      ],
      channel: '580-app',
    },
    steps: [
      [WJQ, 'accept', () => ({})],
      ...consent(WJQ),
      [
        WJQ,
        'resolve',
        (now) => ({
          facts: '韩某家装修施工打穿共用给水管，造成谢某家客厅木地板泡水起拱约20平方米。',
          matters: '水管修复及地板损失赔偿。',
          responsibilities: '韩某对损失负全部责任。',
          losses: '木地板更换及人工费用约6800元。',
          terms: [
            {
              text: '韩某负责修复共用水管',
              obligor: '韩某',
              method: '委托物业维修',
              place: '谢某住所',
              dueDate: dueIn(now, 3),
            },
            {
              text: '韩某赔偿谢某地板损失',
              obligor: '韩某',
              amountFen: 680_000,
              method: '银行转账',
              place: '汪家桥社区人民调解委员会',
              dueDate: dueIn(now, 12),
            },
          ],
        }),
      ],
      [WJQ, 'sign', () => ({ signer: 'party:0', method: 'signature' })],
      [WJQ, 'sign', () => ({ signer: 'party:1', method: 'signature' })],
      [WJQ, 'sign', () => ({ signer: 'mediator', method: 'signature' })],
      ['supervisor@wangjiaqiao-community', 'seal', () => ({})],
    ],
    stage: 'follow_up',
  },
];

export interface LiveCaseResult {
  ref: string;
  id: string;
  stage: Stage;
  caseNumber?: string;
}

export interface DemoHistoryResult {
  /** The past, when this run made it. */
  past?: PastHistoryResult;
  /** The live cases this run reported. */
  live: LiveCaseResult[];
  /** Months and days whose Safety Index was computed (when anything was added). */
  computed?: { months: string[]; days: string[] };
  ms: number;
  /** Milliseconds per part: the past, the live cases, the Safety Index. */
  timings: { past: number; live: number; index: number };
}

/** References of the live cases already in the database. */
async function existingRefs(orm: MikroORM): Promise<Set<string>> {
  const rows = await orm.em.fork().execute<{ ref: string }[]>(
    `select state->>'externalRef' as ref from disputes where state->>'externalRef' in (${LIVE_CASES.map(() => '?').join(', ')})`,
    LIVE_CASES.map((c) => c.ref),
  );
  return new Set(rows.map((r) => r.ref));
}

/** Whether anything of the demo history is missing (two queries). */
export async function demoHistoryMissing(orm: MikroORM): Promise<boolean> {
  if (!(await hasPastHistory(orm.em.fork()))) return true;
  return (await existingRefs(orm)).size < LIVE_CASES.length;
}

/**
 * Makes what is missing of the demo history through `app` (an API built on the worker's task queue):
 * the past first (so the live cases' numbers follow it), then the live cases, then the Safety Index.
 */
export async function ensureDemoHistory(deps: {
  app: FastifyInstance;
  orm: MikroORM;
  renderer: DocumentRenderer;
  /** The demo staff's password (DEMO_PASSWORD). */
  password: string;
  now?: Date;
  /** Communities of the past (default: all); tests keep it to the seed's. */
  communities?: string[];
  /** Cases played (and Safety Index periods computed) side by side; 1 on the embedded PostgreSQL. */
  concurrency?: number;
}): Promise<DemoHistoryResult> {
  const concurrency = Math.max(1, deps.concurrency ?? DEFAULT_CONCURRENCY);
  const started = Date.now();
  const { app, orm } = deps;
  const result: DemoHistoryResult = { live: [], ms: 0, timings: { past: 0, live: 0, index: 0 } };
  let mark = Date.now();
  const lap = (): number => {
    const at = Date.now();
    const ms = at - mark;
    mark = at;
    return ms;
  };
  if (!(await hasPastHistory(orm.em.fork()))) {
    result.past = await generatePastHistory(orm.em.fork(), deps.renderer, {
      now: deps.now,
      communities: deps.communities,
    });
  }
  result.timings.past = lap();

  const have = await existingRefs(orm);
  const todo = LIVE_CASES.filter((c) => !have.has(c.ref));
  if (todo.length) {
    const tokens = new Map<string, string>();
    const tokenOf = async (username: string): Promise<string> => {
      let token = tokens.get(username);
      if (!token) {
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/auth/token',
          payload: { username, password: deps.password },
        });
        if (res.statusCode !== 200)
          throw new Error(
            `demo history: ${username} cannot log in (${res.statusCode}); is DEMO_PASSWORD the seeded one?`,
          );
        token = res.json<{ access_token: string }>().access_token;
        tokens.set(username, token);
      }
      return token;
    };
    const key = await orm.em.fork().findOne(ApiKey, { id: 'demo-integrator' });
    const integrator: Principal | undefined =
      key && !key.revokedAt ? { kind: 'integrator', id: key.id, name: key.name } : undefined;
    try {
      // Log everyone in first, then play the cases side by side (each one's steps in order).
      for (const user of new Set(
        todo.flatMap((c) => [
          ...(c.by === 'integrator' ? (integrator ? [] : ['admin']) : [c.by]),
          ...c.steps.map(([who]) => who),
        ]),
      )) {
        await tokenOf(user);
      }
      const now = deps.now ?? new Date();
      const queue = [...todo];
      const played: LiveCaseResult[] = [];
      const runs = await Promise.allSettled(
        Array.from({ length: concurrency }, async () => {
          for (let c = queue.shift(); c; c = queue.shift())
            played.push(await playLive(app, c, now, integrator, tokenOf));
        }),
      );
      const failed = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
      result.live = LIVE_CASES.flatMap((c) => played.filter((p) => p.ref === c.ref));
    } finally {
      for (const token of tokens.values()) {
        await app
          .inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { authorization: `Bearer ${token}` } })
          .catch(() => undefined);
      }
    }
  }

  result.timings.live = lap();
  if (result.past || result.live.length)
    result.computed = await computeRecentSafetyIndex(orm.em.fork(), { now: deps.now, concurrency });
  result.timings.index = lap();
  result.ms = Date.now() - started;
  return result;
}

async function playLive(
  app: FastifyInstance,
  c: LiveCase,
  now: Date,
  integrator: Principal | undefined,
  tokenOf: (username: string) => Promise<string>,
): Promise<LiveCaseResult> {
  const body: DisputeIntake = { ...c.report, externalRef: c.ref };
  const idempotencyKey = `demo-history-${c.ref}`;
  let view: { id: string; stage: Stage; caseNumber?: string };
  if (c.by === 'integrator' && integrator) {
    // What POST /api/v1/disputes does once the key is checked: the same validation, the same start.
    if (!Value.Check(CreateDisputeSchema, body))
      throw new Error(
        `demo case ${c.ref}: ${[...Value.Errors(CreateDisputeSchema, body)].map((e) => `${e.path} ${e.message}`).join('; ')}`,
      );
    view = (await reportCase(app, integrator, body, { idempotencyKey, route: 'create' })).body as typeof view;
  } else {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/disputes',
      headers: {
        authorization: `Bearer ${await tokenOf(c.by === 'integrator' ? 'admin' : c.by)}`,
        'idempotency-key': idempotencyKey,
      },
      payload: body,
    });
    if (res.statusCode !== 201)
      throw new Error(`demo case ${c.ref}: reporting answered ${res.statusCode}: ${res.body}`);
    view = res.json();
  }
  for (const [who, action, payload] of c.steps) {
    const res = await app.inject({
      method: 'POST',
      url: `/api/v1/disputes/${view.id}/signals/${action}`,
      headers: { authorization: `Bearer ${await tokenOf(who)}` },
      payload: payload(now),
    });
    if (res.statusCode !== 200)
      throw new Error(`demo case ${c.ref}: ${action} by ${who} answered ${res.statusCode}: ${res.body}`);
    view = res.json();
  }
  return { ref: c.ref, id: view.id, stage: view.stage, caseNumber: view.caseNumber };
}

/**
 * For `npm start`: adds what is missing of the demo history, through an API instance of its own
 * (quiet: no request logs) on the worker's task queue, and answers one line for the banner. A
 * failure is reported, not fatal: the system runs without the demo history.
 */
export async function demoHistoryAtStart(deps: {
  orm: MikroORM;
  temporal: Client;
  renderer: DocumentRenderer;
  password: string;
  /** The embedded PostgreSQL (PGlite) serves one session: one query at a time is safest there. */
  embedded?: boolean;
}): Promise<string> {
  let wanted: ReturnType<typeof demoHistoryWanted>;
  try {
    wanted = demoHistoryWanted();
  } catch (err) {
    return `skipped: ${(err as Error).message}`;
  }
  if (!wanted.wanted) return `off (${wanted.why})`;
  try {
    if (!(await demoHistoryMissing(deps.orm))) return 'present (DEMO_HISTORY=0 skips it)';
    const app = await buildApp({
      config: {
        tokenTtlSeconds: 600,
        logLevel: 'silent',
        rateLimits: { perKey: 1e6, perIp: 1e6, loginPerIp: 1e6 },
        // Counted apart from the real API's counters (shared in PostgreSQL), which its requests must not use up.
        rateLimitNamespace: 'demo-history',
      },
      orm: deps.orm,
      temporal: deps.temporal,
      renderer: deps.renderer,
      logger: false,
    });
    try {
      await app.ready();
      const r = await ensureDemoHistory({
        app,
        orm: deps.orm,
        renderer: deps.renderer,
        password: deps.password,
        concurrency: deps.embedded ? 1 : undefined,
      });
      const parts = [
        r.live.length ? `${r.live.length} open cases` : undefined,
        r.past ? `${r.past.cases} closed cases over ${r.computed?.months.length ?? 6} months` : undefined,
        r.computed ? 'Safety Index computed' : undefined,
      ].filter(Boolean);
      const s = (ms: number): string => (ms / 1000).toFixed(1);
      return `${parts.join(', ')} (${s(r.ms)} s: past ${s(r.timings.past)}, live ${s(r.timings.live)}, index ${s(r.timings.index)}; DEMO_HISTORY=0 skips it)`;
    } finally {
      await app.close();
    }
  } catch (err) {
    return `failed: ${err instanceof Error ? err.message : String(err)} (the system runs without it)`;
  }
}
