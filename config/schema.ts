/**
 * The configuration as one schema (issue 23): every environment variable any Fengqiao process reads
 * is declared once in config/schema-vars.ts, with its JSON Schema (TypeBox: type, default, range,
 * enum, pattern) and what an operator needs to know (group, secret, which processes read it, a
 * description in Chinese and English). `validateEnv` checks an environment against it with
 * env-schema (ajv underneath) and names every bad variable at once; config/env.ts then applies the
 * rules between variables as code. `npm run config:docs` (scripts/config-docs.ts) writes the tables
 * of README.md and docs/operations.md from the same declarations.
 */
import envSchema from 'env-schema';
import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** The processes that read a variable: `npm run api`, `worker`, `start`, `migrate`; tools (reset, admin:create, bench); tests. */
export type Process = 'api' | 'worker' | 'start' | 'migrate' | 'tools' | 'tests';

export const GROUPS = {
  server: '服务与网络 / Server and network',
  database: '数据库 / Database',
  temporal: 'Temporal 与载荷加密 / Temporal and payload encryption',
  worker: 'Worker',
  accounts: '账号、限流与监控 / Accounts, limits and monitoring',
  telemetry: '追踪与日志 / Tracing and logs',
  cases: '案件与期限 / Cases and deadlines',
  documents: '文书与 PDF / Documents and PDFs',
  webhooks: 'Webhook 与通知 Webhook / Webhooks and the notice webhook',
  notifications: '短信与邮件 / SMS and e-mail',
  attachments: '证据文件 / Evidence files',
  retention: '数据保留 / Retention',
  local: '本机与演示 / One machine and the demo',
  development: '开发与基准测试 / Development and benchmarks',
} as const;
export type Group = keyof typeof GROUPS;

export interface VarMeta {
  group: Group;
  reads: Process[];
  /** 中文 and English: the description (Chinese first). */
  zh: string;
  en: string;
  /** A credential or key: never echoed in an error, marked in the tables. */
  secret?: boolean;
  /** The default in words when it is not a constant of the schema (computed, or another program's). */
  defaultText?: string;
  /** What a pattern or length asks for, in the words of an error ("must be …"); required with a pattern. */
  expect?: { zh: string; en: string };
  /** Checked as a URL (new URL) of these protocols after the schema pass. */
  url?: string[];
  /** README's short table: an operator must set it (`required`) or usually does (`usual`). */
  operator?: 'required' | 'usual';
  /** Read by a library rather than Fengqiao's code (the schema still checks its form). */
  readBy?: string;
  /** A section of the docs with more, relative to docs/ (e.g. `security.md#behind-a-reverse-proxy`). */
  see?: string;
}

export interface VarSpec<T extends TSchema = TSchema, D extends boolean = boolean> {
  schema: T;
  meta: VarMeta;
  hasDefault: D;
}

/** A variable with a default in its schema: always present after validation. */
export function withDefault<T extends TSchema>(schema: T, meta: VarMeta): VarSpec<T, true> {
  if (schema.default === undefined) throw new Error(`withDefault without a default: ${meta.en}`);
  return { schema, meta, hasDefault: true };
}

/** A variable without a default: undefined when unset. */
export function optional<T extends TSchema>(schema: T, meta: VarMeta): VarSpec<T, false> {
  if (schema.default !== undefined) throw new Error(`optional with a default: ${meta.en}`);
  return { schema, meta, hasDefault: false };
}

/** A string of one of `values` (JSON Schema `enum`, one error per variable rather than anyOf's one per branch). */
export function oneOf<const V extends readonly string[]>(values: V, options: { default?: V[number] } = {}) {
  return Type.Unsafe<V[number]>({ type: 'string', enum: [...values], ...options });
}

export type EnvValues<V extends Record<string, VarSpec>> = {
  [K in keyof V]: V[K] extends VarSpec<infer T, true> ? Static<T> : Static<V[K]['schema']> | undefined;
};

const TRUNCATE = 80;
function shown(spec: VarSpec, raw: string): string {
  if (spec.meta.secret) return ` (got ${raw.length} characters, not shown)`;
  const text = raw.length > TRUNCATE ? `${raw.slice(0, TRUNCATE)}…` : raw;
  return ` (got "${text.replace(/[\u0000-\u001f"]/g, '?')}")`;
}

/** What a variable must be, in Chinese and English ("须为 1 到 65535 的整数 / must be an integer from 1 to 65535"). */
export function expectation(spec: VarSpec): { zh: string; en: string } {
  if (spec.meta.expect) return spec.meta.expect;
  const s = spec.schema as Record<string, unknown>;
  if (Array.isArray(s.enum)) {
    const values = s.enum as string[];
    return { zh: `须为 ${values.join('、')} 之一`, en: `must be one of ${values.join(', ')}` };
  }
  if (s.type === 'integer') {
    return {
      zh: `须为 ${s.minimum} 到 ${s.maximum} 的整数`,
      en: `must be an integer from ${s.minimum} to ${s.maximum}`,
    };
  }
  if (s.type === 'number') return { zh: '须为数字', en: 'must be a number' };
  if (s.type === 'boolean') return { zh: '须为 true 或 false', en: 'must be true or false' };
  if (typeof s.minLength === 'number' && s.minLength > 1)
    return { zh: `至少 ${s.minLength} 个字符`, en: `must be at least ${s.minLength} characters` };
  return { zh: '格式不对', en: 'is not well-formed' };
}

/** "PORT 须为 1 到 65535 的整数 / PORT must be an integer from 1 to 65535 (got "eighty")". */
export function problemFor(name: string, spec: VarSpec, raw: string): string {
  const { zh, en } = expectation(spec);
  return `${name} ${zh} / ${name} ${en}${shown(spec, raw)}`;
}

export interface Validated<V extends Record<string, VarSpec>> {
  values: EnvValues<V>;
  /** One message per bad variable, in declaration order. */
  problems: string[];
  /** The variables the schema refused (their values fell back to the default, or undefined). */
  refused: Set<string>;
}

/**
 * An environment checked against `vars` with env-schema: only declared variables are read; an empty
 * value is unset (as a shell's `X=` means); a refused variable is named and falls back to its default,
 * so the rules after the schema still see the rest.
 */
export function validateEnv<V extends Record<string, VarSpec>>(
  vars: V,
  jsonSchema: Record<string, unknown>,
  env: NodeJS.ProcessEnv,
): Validated<V> {
  const data: Record<string, string> = {};
  for (const name of Object.keys(vars)) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') data[name] = raw;
  }
  const refused = new Map<string, string>();
  try {
    envSchema({ schema: jsonSchema, data: { ...data }, env: false });
  } catch (err) {
    const errors = (err as { errors?: Array<{ instancePath: string }> }).errors;
    if (!errors) throw err;
    for (const e of errors) {
      const name = e.instancePath.replace(/^\//, '').split('/')[0]!;
      refused.set(name, problemFor(name, vars[name]!, data[name]!));
    }
  }
  for (const [name, spec] of Object.entries(vars)) {
    const raw = data[name];
    if (raw === undefined || !spec.meta.url || refused.has(name)) continue;
    if (!isUrlOf(raw, spec.meta.url)) {
      const [zh, en] = [spec.meta.url.join(' 或 '), spec.meta.url.join(' or ')];
      refused.set(name, `${name} 须为有效的 ${zh} 地址 / ${name} must be a valid ${en} URL${shown(spec, raw)}`);
    }
  }
  const problems: string[] = [];
  for (const name of Object.keys(vars)) {
    const problem = refused.get(name);
    if (problem === undefined) continue;
    problems.push(problem);
    delete data[name];
  }
  // The rest again: now valid, coerced (numbers, booleans) and with the defaults filled in.
  const values = envSchema({ schema: jsonSchema, data, env: false }) as EnvValues<V>;
  return { values, problems, refused: new Set(refused.keys()) };
}

function isUrlOf(raw: string, protocols: string[]): boolean {
  try {
    return protocols.includes(new URL(raw).protocol);
  } catch {
    return false;
  }
}

/** The JSON Schema of `vars` as env-schema takes it: an object of them, none required at this level. */
export function jsonSchemaOf(vars: Record<string, VarSpec>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(vars)) {
    // Plain JSON: TypeBox's symbols stay out, and the description is the bilingual one.
    properties[name] = { ...JSON.parse(JSON.stringify(spec.schema)), description: `${spec.meta.zh} / ${spec.meta.en}` };
  }
  return { type: 'object', properties };
}
