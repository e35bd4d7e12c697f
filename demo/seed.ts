/**
 * The demo directory: 常德市 with two counties. Under 津市市, 汪家桥街道 with 汪家桥社区 (its first grid
 * is where the seed article's maintenance-fund case starts) and a neighbour, 新堤社区; and a second
 * street, 襄阳街街道 with 河街社区. Under 武陵区, 穿紫河街道/渔父祠社区/桃李网格, where the seed article's
 * lift-noise case starts. Each community and street has a mediator and a supervisor, so that tests
 * can tell neighbours from levels: a community's staff see its subtree only, its street's staff both
 * of the street's communities, the other street's staff neither, the county's all three.
 * Also the agencies, the SLA policies and the risk keywords. Place names are the region's; community
 * names, people and firms are fictional. Idempotent: every run upserts.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Category, Level } from '../domain/lifecycle';
import type { UnitKind } from '../domain/committee';
import { API_KEY_PREFIX, hashPassword, newSecret, sha256Hex, visiblePrefix } from '../security/credentials';
import { WORKING_DAY_SECONDS } from '../domain/calendar';
import { Agency, ApiKey, RiskKeyword, SlaPolicy, Unit, User } from '../db/entities';
import type { StaffRole } from '../db/entities/user.entity';
import { DEMO_UNIT_PLACES } from './unit-places';

interface UnitSeed {
  code: string;
  name: string;
  level: Level;
  parent?: string;
  population: number;
  committeeShort: string;
  /** Above the street (人民调解法 Art. 34): a county's 矛盾纠纷调处中心 or a 行业性专业性 committee. */
  kind?: UnitKind;
  categories?: Category[];
  /** Default: <name>人民调解委员会. */
  committeeName?: string;
}

// One unit a line: a table to read down.
// prettier-ignore
export const DEMO_UNITS: UnitSeed[] = [
  { code: 'changde', name: '常德市', level: 'city', population: 5_279_000, committeeShort: '常' },
  { code: 'jinshi', name: '津市市', level: 'county', parent: 'changde', population: 250_000, committeeShort: '津' },
  { code: 'wangjiaqiao-street', name: '汪家桥街道', level: 'street', parent: 'jinshi', population: 42_000, committeeShort: '汪' },
  { code: 'wangjiaqiao-community', name: '汪家桥社区', level: 'community', parent: 'wangjiaqiao-street', population: 8_600, committeeShort: '汪社' },
  { code: 'wangjiaqiao-g1', name: '汪家桥社区第一网格', level: 'grid', parent: 'wangjiaqiao-community', population: 1_200, committeeShort: '汪社' },
  { code: 'xindi-community', name: '新堤社区', level: 'community', parent: 'wangjiaqiao-street', population: 7_400, committeeShort: '堤' },
  { code: 'xindi-g1', name: '新堤社区第一网格', level: 'grid', parent: 'xindi-community', population: 1_100, committeeShort: '堤' },
  { code: 'xiangyangjie-street', name: '襄阳街街道', level: 'street', parent: 'jinshi', population: 36_000, committeeShort: '襄' },
  { code: 'hejie-community', name: '河街社区', level: 'community', parent: 'xiangyangjie-street', population: 8_200, committeeShort: '河' },
  { code: 'hejie-g1', name: '河街社区第一网格', level: 'grid', parent: 'hejie-community', population: 1_300, committeeShort: '河' },
  { code: 'wuling', name: '武陵区', level: 'county', parent: 'changde', population: 690_000, committeeShort: '武' },
  { code: 'chuanzihe-street', name: '穿紫河街道', level: 'street', parent: 'wuling', population: 65_000, committeeShort: '穿' },
  { code: 'yufuci-community', name: '渔父祠社区', level: 'community', parent: 'chuanzihe-street', population: 9_800, committeeShort: '渔' },
  { code: 'yufuci-taoli', name: '桃李网格', level: 'grid', parent: 'yufuci-community', population: 1_500, committeeShort: '渔' },
  // Above the street: where a street's escalation goes by category (domain/committee.ts), not areas of the Safety Index.
  { code: 'jinshi-center', name: '津市市矛盾纠纷调处中心', level: 'county', parent: 'jinshi', population: 0, committeeShort: '津调', kind: 'center', committeeName: '津市市矛盾纠纷调处中心人民调解委员会' },
  { code: 'jinshi-property', name: '津市市物业纠纷人民调解委员会', level: 'county', parent: 'jinshi', population: 0, committeeShort: '津物', kind: 'professional', categories: ['property'], committeeName: '津市市物业纠纷人民调解委员会' },
  { code: 'wuling-center', name: '武陵区矛盾纠纷调处中心', level: 'county', parent: 'wuling', population: 0, committeeShort: '武调', kind: 'center', committeeName: '武陵区矛盾纠纷调处中心人民调解委员会' },
];

/** The committees' contact telephones printed on their meeting notices (fictional numbers, Changde's area code). */
export const DEMO_UNIT_PHONES: Record<string, string> = {
  'wangjiaqiao-street': '0736-4200110',
  'wangjiaqiao-community': '0736-4200210',
  'xindi-community': '0736-4200310',
  'xiangyangjie-street': '0736-4300110',
  'hejie-community': '0736-4300210',
  'chuanzihe-street': '0736-7200110',
  'yufuci-community': '0736-7200210',
  jinshi: '0736-4200010',
  wuling: '0736-7200010',
  changde: '0736-7000010',
};

export const DEMO_AGENCIES: Array<{ code: string; name: string }> = [
  { code: 'safety-station', name: '安监站' },
  { code: 'housing-center', name: '市住保中心' },
  { code: 'market-regulation', name: '市场监管局' },
  { code: 'police', name: '派出所' },
  { code: 'justice-office', name: '司法所' },
  { code: 'labor', name: '人社局' },
  { code: 'environment', name: '生态环境局' },
];

// One staff member a line.
// prettier-ignore
export const DEMO_STAFF: Array<{ username: string; name: string; role: StaffRole; unit?: string; agency?: string; sealAuthorised?: boolean }> = [
  { username: 'admin', name: '系统管理员', role: 'admin' },
  { username: 'mediator@wangjiaqiao-community', name: '汪家桥社区调解员', role: 'mediator', unit: 'wangjiaqiao-community', sealAuthorised: true },
  { username: 'supervisor@wangjiaqiao-community', name: '汪家桥社区主任', role: 'supervisor', unit: 'wangjiaqiao-community' },
  { username: 'mediator@wangjiaqiao-street', name: '汪家桥街道调解员', role: 'mediator', unit: 'wangjiaqiao-street', sealAuthorised: true },
  { username: 'supervisor@wangjiaqiao-street', name: '汪家桥街道主任', role: 'supervisor', unit: 'wangjiaqiao-street' },
  { username: 'mediator@xindi-community', name: '新堤社区调解员', role: 'mediator', unit: 'xindi-community' },
  { username: 'supervisor@xindi-community', name: '新堤社区主任', role: 'supervisor', unit: 'xindi-community' },
  { username: 'mediator@xiangyangjie-street', name: '襄阳街街道调解员', role: 'mediator', unit: 'xiangyangjie-street' },
  { username: 'supervisor@xiangyangjie-street', name: '襄阳街街道主任', role: 'supervisor', unit: 'xiangyangjie-street' },
  { username: 'mediator@hejie-community', name: '河街社区调解员', role: 'mediator', unit: 'hejie-community' },
  { username: 'supervisor@hejie-community', name: '河街社区主任', role: 'supervisor', unit: 'hejie-community' },
  { username: 'supervisor@jinshi', name: '津市市政法委', role: 'supervisor', unit: 'jinshi' },
  { username: 'mediator@yufuci-community', name: '渔父祠社区调解员', role: 'mediator', unit: 'yufuci-community', sealAuthorised: true },
  { username: 'supervisor@yufuci-community', name: '渔父祠社区主任', role: 'supervisor', unit: 'yufuci-community' },
  { username: 'grid@yufuci-taoli', name: '桃李网格员', role: 'grid_worker', unit: 'yufuci-taoli' },
  { username: 'rep@safety-station', name: '安监站代表', role: 'agency_rep', agency: 'safety-station' },
  { username: 'rep@housing-center', name: '市住保中心代表', role: 'agency_rep', agency: 'housing-center' },
  // A committee may appoint several mediators to a case (人民调解法 Art. 19); the seal is its 主任's, or an
  // authorised member's (Art. 8, 29: `sealAuthorised` above, the demo committees' first mediators); the second ones are not.
  { username: 'mediator2@wangjiaqiao-street', name: '汪家桥街道调解员乙', role: 'mediator', unit: 'wangjiaqiao-street' },
  { username: 'mediator2@yufuci-community', name: '渔父祠社区调解员乙', role: 'mediator', unit: 'yufuci-community' },
  { username: 'mediator@jinshi-center', name: '津市市调处中心调解员', role: 'mediator', unit: 'jinshi-center' },
  { username: 'supervisor@jinshi-center', name: '津市市调处中心主任', role: 'supervisor', unit: 'jinshi-center' },
  { username: 'mediator@jinshi-property', name: '津市市物业纠纷调委会调解员', role: 'mediator', unit: 'jinshi-property' },
  { username: 'supervisor@jinshi-property', name: '津市市物业纠纷调委会主任', role: 'supervisor', unit: 'jinshi-property' },
];

/**
 * SLA defaults, from published local practice (the admin changes them): accept within
 * 1 working day (urgent: 1 hour, wall-clock); handling 7 working days at grid and community, 15 at
 * the street, 22 (about one month, the 2002 rules' "generally within one month") above; meeting
 * report-in 4 working hours; signatures 3 working days; follow-up 15 days after effectiveness.
 */
const WD = WORKING_DAY_SECONDS;
type SlaSeed = Pick<
  SlaPolicy,
  | 'category'
  | 'priority'
  | 'level'
  | 'acceptSeconds'
  | 'handlingSeconds'
  | 'reportInSeconds'
  | 'signatureSeconds'
  | 'followUpDays'
  | 'calendar'
>;
const normal = (level: string, handlingDays: number): SlaSeed => ({
  category: '*',
  priority: 'normal',
  level,
  acceptSeconds: WD,
  handlingSeconds: handlingDays * WD,
  reportInSeconds: 4 * 3600,
  signatureSeconds: 3 * WD,
  followUpDays: 15,
  calendar: 'cn-workdays',
});
export const DEFAULT_SLA: SlaSeed[] = [
  normal('*', 22),
  normal('grid', 7),
  normal('community', 7),
  normal('street', 15),
  {
    category: '*',
    priority: 'urgent',
    level: '*',
    acceptSeconds: 3600,
    handlingSeconds: 3 * 24 * 3600,
    reportInSeconds: 2 * 3600,
    signatureSeconds: 24 * 3600,
    followUpDays: 7,
    calendar: 'wall-clock',
  },
];

/** Words that flag a risk of violence or crime in a report (Art. 25); the admin maintains the list. */
export const DEFAULT_RISK_KEYWORDS = [
  '打人',
  '伤人',
  '动刀',
  '持刀',
  '砍人',
  '杀人',
  '自杀',
  '轻生',
  '跳楼',
  '纵火',
  '放火',
  '报复',
  '械斗',
  '威胁',
];

function unitPath(code: string, byCode: Map<string, UnitSeed>): string {
  const parts: string[] = [];
  for (let u = byCode.get(code); u; u = u.parent ? byCode.get(u.parent) : undefined) parts.unshift(u.code);
  return `/${parts.join('/')}/`;
}

export interface SeedResult {
  /** The demo API key, only when it was created by this run and not given in DEMO_API_KEY. */
  generatedApiKey?: string;
  /** Why nothing was seeded (production). */
  skipped?: string;
}

/** Production never runs the demo: NODE_ENV=production. */
export const isProduction = (env: NodeJS.ProcessEnv = process.env): boolean => env.NODE_ENV === 'production';

/**
 * The demo directory, staff, SLA policies, risk keywords and integrator key, for a system to try.
 * It creates only what is missing and never changes what exists: an account an admin deactivated,
 * re-passworded or re-roled, a revoked key, a renamed unit stay as they are on every start. The
 * default SLA policies and risk keywords are written only into empty tables (an admin's deletions
 * stand). With NODE_ENV=production it does nothing: a production system starts with
 * `npm run admin:create` and no demo data.
 */
export async function seedDemo(
  em: EntityManager,
  opts: { demoPassword: string; demoApiKey?: string; env?: NodeJS.ProcessEnv },
): Promise<SeedResult> {
  if (isProduction(opts.env)) return { skipped: 'NODE_ENV=production: no demo data' };
  const byCode = new Map(DEMO_UNITS.map((u) => [u.code, u]));
  for (const u of DEMO_UNITS) {
    const existing = await em.findOne(Unit, { code: u.code });
    // Units seeded before they had places get them, once (an admin's own coordinates stay).
    if (existing && existing.latitude == null && DEMO_UNIT_PLACES[u.code])
      em.assign(existing, { ...DEMO_UNIT_PLACES[u.code], aliases: DEMO_UNIT_PLACES[u.code]!.aliases ?? null });
    if (existing) continue;
    em.persist(
      em.create(Unit, {
        code: u.code,
        name: u.name,
        level: u.level,
        parentCode: u.parent,
        path: unitPath(u.code, byCode),
        population: u.population,
        committeeName: u.committeeName ?? `${u.name}人民调解委员会`,
        committeeShort: u.committeeShort,
        kind: u.kind ?? 'region',
        categories: u.categories ?? null,
        phone: DEMO_UNIT_PHONES[u.code],
        latitude: DEMO_UNIT_PLACES[u.code]?.latitude ?? null,
        longitude: DEMO_UNIT_PLACES[u.code]?.longitude ?? null,
        aliases: DEMO_UNIT_PLACES[u.code]?.aliases ?? null,
      }),
    );
  }
  for (const a of DEMO_AGENCIES) if (!(await em.findOne(Agency, { code: a.code }))) em.persist(em.create(Agency, a));
  await em.flush();

  for (const s of DEMO_STAFF) {
    if (await em.findOne(User, { username: s.username })) continue;
    em.persist(
      em.create(User, {
        id: `u-${s.username.replace(/[^a-z0-9]+/g, '-')}`,
        username: s.username,
        displayName: s.name,
        role: s.role,
        unitCode: s.unit,
        agencyCode: s.agency,
        sealAuthorised: s.sealAuthorised ?? false,
        passwordHash: await hashPassword(opts.demoPassword),
        active: true,
        createdAt: new Date(),
      }),
    );
  }

  if ((await em.count(SlaPolicy, {})) === 0) {
    for (const p of DEFAULT_SLA) em.persist(em.create(SlaPolicy, { ...p, warningShare: 0.8, autoEscalate: true }));
  }
  if ((await em.count(RiskKeyword, {})) === 0) {
    for (const word of DEFAULT_RISK_KEYWORDS) em.persist(em.create(RiskKeyword, { word }));
  }
  await em.flush();

  const result: SeedResult = {};
  if (!(await em.findOne(ApiKey, { id: 'demo-integrator' }))) {
    const secret = opts.demoApiKey ?? newSecret(API_KEY_PREFIX);
    em.persist(
      em.create(ApiKey, {
        id: 'demo-integrator',
        name: '平安常德580 (demo)',
        prefix: visiblePrefix(secret),
        keyHash: sha256Hex(secret),
        createdAt: new Date(),
      }),
    );
    await em.flush();
    if (!opts.demoApiKey) result.generatedApiKey = secret;
  }
  return result;
}
