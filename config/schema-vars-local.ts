/**
 * The variables of one machine (`npm start`'s embedded servers), the demo, and development (tests,
 * the benchmark), declared as in config/schema-vars.ts.
 */
import { Type, type TSchema } from '@sinclair/typebox';
import { optional, oneOf, withDefault } from './schema';

const port = (value: number) => Type.Integer({ minimum: 1, maximum: 65535, default: value });

export const LOCAL_VARS = {
  // --- one machine and the demo -------------------------------------------------------------
  FENGQIAO_DATA_DIR: optional(Type.String(), {
    group: 'local',
    reads: ['api', 'worker', 'start', 'tools'],
    defaultText: '`data/`',
    see: 'operations.md#the-data-folder',
    zh: '内嵌服务器保存文件的目录（Temporal 存储、载荷密钥、PGlite）',
    en: 'where the embedded servers keep their files (the Temporal store, the payload keys, PGlite)',
  }),
  EMBEDDED_PG: optional(oneOf(['force'] as const), {
    group: 'local',
    reads: ['start', 'tools'],
    defaultText: 'off',
    zh: 'force：即使本机 PostgreSQL 可用也用内嵌的 PGlite',
    en: '`force`: use the embedded PostgreSQL (PGlite) even when a local server answers',
  }),
  EMBEDDED_PG_PORT: withDefault(port(54329), {
    group: 'local',
    reads: ['start', 'tools'],
    zh: '内嵌 PostgreSQL 的端口',
    en: 'the embedded PostgreSQL’s port',
  }),
  TEMPORAL_DEV_PORT: withDefault(port(7233), {
    group: 'local',
    reads: ['start'],
    zh: '内嵌 Temporal 开发服务器的端口',
    en: 'the embedded Temporal dev server’s port',
  }),
  TEMPORAL_UI_PORT: withDefault(port(8233), {
    group: 'local',
    reads: ['start'],
    zh: '内嵌 Temporal UI 的端口',
    en: 'the embedded Temporal UI’s port',
  }),
  TEMPORAL_CLI: optional(Type.String(), {
    group: 'local',
    reads: ['start', 'tools', 'tests'],
    defaultText: '`temporal` on `PATH`, else `.tools/venv/bin/temporal`',
    zh: '使用此 Temporal CLI 而非项目自带的',
    en: 'use this Temporal CLI instead of the project’s',
  }),
  TEMPORAL_TEST_SERVER: optional(Type.String(), {
    group: 'local',
    reads: ['tests'],
    defaultText: '`.tools/venv/bin/…`',
    zh: '使用此时间跳跃测试服务器而非项目自带的',
    en: 'use this time-skipping test server instead of the project’s',
  }),
  DEMO_PASSWORD: withDefault(Type.String({ minLength: 1, default: 'fengqiao-demo' }), {
    group: 'local',
    reads: ['start', 'migrate'],
    secret: true,
    zh: '演示工作人员的密码（仅首次创建时使用）',
    en: 'password of the demo staff (used when they are first created)',
  }),
  DEMO_API_KEY: optional(Type.String({ minLength: 32 }), {
    group: 'local',
    reads: ['start', 'migrate'],
    secret: true,
    defaultText: 'generated, printed once',
    zh: '演示对接方的 API 密钥（至少 32 个字符）',
    en: 'the demo integrator’s API key (at least 32 characters)',
  }),
  DEMO_HISTORY: optional(oneOf(['0', '1', 'false', 'true', 'off', 'on', 'no', 'yes'] as const), {
    group: 'local',
    reads: ['start'],
    defaultText: 'on (off with `NODE_ENV=production`)',
    zh: '0：首次启动不生成演示历史；1：生产环境也生成',
    en: '`0` skips the first-start demo history; `1` adds it even in production',
  }),

  // --- development and benchmarks -----------------------------------------------------------
  TEST_DATABASE_URL: optional(Type.String({ pattern: '^postgres(ql)?://' }), {
    group: 'development',
    reads: ['tests'],
    secret: true,
    expect: { zh: '须以 postgres:// 开头', en: 'must use postgres: or postgresql:' },
    defaultText: '`postgres://postgres@127.0.0.1:5432/postgres`',
    zh: '测试在此服务器上创建（并删除）自己的数据库',
    en: 'tests create (and drop) a database of their own on this server',
  }),
  BENCH_QUICK: bench(
    oneOf(['0', '1'] as const),
    '1：快速基准（同 --quick）',
    '`1`: the quick benchmark (as `--quick`)',
  ),
  BENCH_SCALE: bench(
    Type.Number({ exclusiveMinimum: 0, maximum: 100 }),
    '基准规模倍数（大于 0，至多 100）',
    'the benchmark’s scale factor (above 0, up to 100)',
  ),
  BENCH_SI_CASES: bench(
    Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    '平安指数基准的案件数',
    'cases of the Safety Index section',
  ),
  BENCH_MEM_CASES: bench(
    Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    '内存基准的案件数',
    'cases of the memory section',
  ),
  BENCH_PROFILE_DIR: bench(Type.String(), 'worker 的 CPU 剖析输出目录', 'where worker children write CPU profiles'),
  BENCH_TS_NODE: bench(
    oneOf(['0', '1'] as const),
    '1：子进程用 ts-node 运行源码',
    '`1`: children run the sources with ts-node',
  ),
  BENCH_NO_VM_TIMEOUT: bench(
    oneOf(['0', '1'] as const),
    '1：关闭工作流 VM 超时（剖析用）',
    '`1`: no workflow VM timeout (profiling)',
  ),
};

function bench<T extends TSchema>(schema: T, zh: string, en: string) {
  return optional(schema, { group: 'development', reads: ['tools'], defaultText: 'unset', zh, en });
}
