/**
 * What every console page needs: the signed-in staff member (from the session cookie), the words of
 * their language, the CSRF token for forms, and a way to call the API as them. The console calls the
 * same API routes integrators use (through `inject`), so every rule — role, area, stage, idempotency,
 * rate limits — is the API's, and a refusal carries the API's reason.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../api/plugins/auth';
import { AppError, BILINGUAL, ERROR_STATUS, type ErrorCode, type FieldError, type ProblemParams } from '../api/errors';
import { beijingDateTime } from '../domain/beijing-time';
import { LABELS } from '../templates/labels';
import { workingDuration } from './durations';
import { DICTS, fill, type ConsoleDict, type ConsoleLang } from './i18n';
import { csrfTokenOf, csrfValid, langOf, sessionToken } from './session';

export type StaffPrincipal = Extract<Principal, { kind: 'staff' }>;

export interface ConsoleContext {
  lang: ConsoleLang;
  t: ConsoleDict;
  token: string;
  csrf: string;
  user: StaffPrincipal;
}

export interface ApiAnswer<T = unknown> {
  status: number;
  body: T;
}

/** A field's refusal: JSON pointer, English message, and the machine code and parameters (api/errors.ts FieldError). */
export interface ProblemField {
  field?: string;
  message?: string;
  code?: string;
  params?: Record<string, unknown>;
}

export interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  status?: number;
  errors?: ProblemField[];
  allowed?: string[];
  stage?: string;
  /** The refusal's machine code (api/errors.ts REFUSALS), with its parameters. */
  reason?: string;
  params?: Record<string, unknown>;
}

/** The staff member of the session, or a redirect to the login page (answer sent, undefined returned). */
export async function signedIn(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<ConsoleContext | undefined> {
  const lang = langOf(request);
  const token = sessionToken(request);
  const principal = token ? await app.resolvePrincipal(token) : undefined;
  if (!token || !principal || principal.kind !== 'staff') {
    const next = encodeURIComponent(request.url);
    await reply.redirect(`/console/login?next=${next}${token ? '&expired=1' : ''}`, 303);
    return undefined;
  }
  return { lang, t: DICTS[lang], token, csrf: csrfTokenOf(token), user: principal };
}

/** Console forms must carry the session's CSRF token. */
export function checkCsrf(ctx: ConsoleContext, body: unknown): void {
  const sent = (body as Record<string, unknown> | undefined)?._csrf;
  if (!csrfValid(ctx.token, sent))
    throw new AppError('forbidden', 'the form is stale or came from elsewhere: reload the page and try again', {
      reason: 'stale_form',
    });
}

/** Call the API as the signed-in staff member; the answer's status and parsed body. */
export async function callApi<T = unknown>(
  app: FastifyInstance,
  request: FastifyRequest,
  ctx: Pick<ConsoleContext, 'token'>,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer<T>> {
  const res = await app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ctx.token}`, ...headers },
    // The API's per-address limits apply to the person, not to the console.
    remoteAddress: request.ip,
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  });
  const text = res.body;
  let body: unknown = undefined;
  if (text && /json/.test(String(res.headers['content-type'] ?? ''))) body = JSON.parse(text);
  return { status: res.statusCode, body: body as T };
}

/** The body of a successful read; anything else becomes the same error for the console's error page. */
export function ok<T>(answer: ApiAnswer<T>): T {
  if (answer.status >= 200 && answer.status < 300) return answer.body;
  const problem = answer.body as Problem | undefined;
  // The API's own code when it is one of ours with this status (a 400, a 429, a 503 stay what they
  // are: a case id the API refuses is no 500); anything else is the console's failure.
  const said = problem?.code as ErrorCode | undefined;
  const code: ErrorCode =
    said && Object.hasOwn(ERROR_STATUS, said) && ERROR_STATUS[said] === answer.status ? said : 'internal';
  // The refusal's codes go along, so the error page says it in the console's words (errorText).
  const { reason, params, errors, stage, allowed } = problem ?? {};
  throw new AppError(code, problem?.detail ?? problem?.title, {
    ...(reason ? { reason, params: params as ProblemParams | undefined } : {}),
    ...(errors
      ? { errors: errors.map((e) => ({ ...e, field: e.field ?? '', message: e.message ?? '' })) as FieldError[] }
      : {}),
    ...(stage ? { stage } : {}),
    ...(allowed ? { allowed } : {}),
  });
}

/** A language, or anything that carries one (a ConsoleContext). */
export type LangOf = ConsoleLang | { lang: ConsoleLang };
const langFrom = (l: LangOf | undefined): ConsoleLang => (typeof l === 'object' ? l.lang : (l ?? 'zh-CN'));

/** The Chinese half of a bilingual message ("中文 / English") for zh, the English half for en; else undefined. */
export function bilingualPart(message: string | undefined, lang: ConsoleLang): string | undefined {
  const m = message ? BILINGUAL.exec(message) : null;
  if (!m) return undefined;
  return lang === 'en' ? m[2] : m[1];
}

/** A field's name as the form calls it, from its JSON pointer ("body/terms/0/text" → 协议条款). */
export function fieldNameOf(pointer: string | undefined, t: ConsoleDict): string {
  const parts = (pointer ?? '').split('/').filter(Boolean);
  const head = ['body', 'querystring', 'params', 'headers'].includes(parts[0] ?? '') ? parts.slice(1) : parts;
  const name = head.find((p) => !/^\d+$/.test(p)) ?? parts[0] ?? 'body';
  const label =
    t.problem.fieldName[name] ??
    t.field[name]?.replace(/（[^）]*）|\s*\([^)]*\)/g, '').trim() ??
    (typeof (t.admin as Record<string, unknown>)[name] === 'string' ? (t.admin as Record<string, string>)[name] : '');
  if (label) return label;
  return t === DICTS.en ? name : `一项内容（${name}）`;
}

/** A value the API allows, as the console calls it: an option, a category, a level, a stage; `*` is 任意. */
function valueLabel(v: string, t: ConsoleDict, l: ConsoleLang): string {
  if (v === '*') return t.problem.anyValue;
  return t.option[v] ?? LABELS[l].category[v] ?? t.level[v] ?? t.stage[v] ?? t.action[v] ?? v;
}

/** One field's refusal in words, the field named: 请填写争议事项 / 受理时限不能小于1秒. */
export function fieldErrorText(e: ProblemField, lang: LangOf = 'zh-CN'): string {
  const l = langFrom(lang);
  const t = DICTS[l];
  const name =
    (e.field ?? '')
      .split('/')
      .filter((p) => !/^\d+$/.test(p))
      .pop() ?? '';
  const field = fieldNameOf(e.field, t);
  const phrase = e.code ? t.problem.field[e.code] : undefined;
  if (!phrase) {
    const said = bilingualPart(e.message, l);
    if (said) return `${field}：${said}`;
    if (l === 'en' && e.message) return `${field}: ${e.message}`;
    return e.code ? fill(t.problem.unknownField, { field, code: e.code }) : fill(t.problem.field.invalid!, { field });
  }
  const p = e.params ?? {};
  const vars: Record<string, string | number> = { field };
  for (const [k, v] of Object.entries(p)) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
  if (typeof p.limit === 'number' && /Seconds$/.test(name)) vars.limit = workingDuration(p.limit, 'wall-clock', l);
  if (Array.isArray(p.allowed))
    vars.allowed = p.allowed.map((v) => valueLabel(String(v), t, l)).join(l === 'en' ? ', ' : '、');
  return fill(phrase, vars);
}

/** The sentence of a problem as a whole: its refusal code, else its bilingual detail, else its problem code. */
function problemSentence(p: Problem | undefined, status: number, l: ConsoleLang): string | undefined {
  const t = DICTS[l];
  const params = p?.params ?? {};
  const reasonKey = p?.reason === 'not_in_stage' && params.suspended ? 'not_in_stage_suspended' : p?.reason;
  const phrase = reasonKey ? t.problem.reason[reasonKey] : undefined;
  if (phrase) {
    const vars: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(params)) if (typeof v === 'string' || typeof v === 'number') vars[k] = v;
    if (typeof params.action === 'string') vars.action = t.action[params.action] ?? params.action;
    if (typeof params.stage === 'string') vars.stage = t.stage[params.stage] ?? params.stage;
    return fill(phrase, vars);
  }
  if (p?.errors?.length) return undefined;
  const said = bilingualPart(p?.detail, l);
  if (said) return said;
  if (l === 'en' && p?.detail) return p.detail;
  const code = p?.code ?? `HTTP ${status}`;
  return t.problem.code[code] ?? fill(t.problem.unknown, { code });
}

/**
 * A refusal's explanation, as a mediator reads it, from the API's codes: the refusal's own sentence,
 * or the problem's with each field's (受理时限不能小于1秒); in the console's language, never the API's
 * English in the Chinese console. Pass the language (or the page's ConsoleContext); Chinese if none.
 */
export function reasonOf(answer: ApiAnswer<unknown>, lang: LangOf = 'zh-CN'): string {
  const l = langFrom(lang);
  const t = DICTS[l];
  const p = answer.body as Problem | undefined;
  const sentence = problemSentence(p, answer.status, l);
  if (sentence) return sentence;
  const fields = [...new Set((p?.errors ?? []).map((e) => fieldErrorText(e, l)))];
  const head = t.problem.code[p?.code ?? ''] ?? fill(t.problem.unknown, { code: p?.code ?? `HTTP ${answer.status}` });
  return fill(t.problem.fieldsIntro, { sentence: head, fields: fields.join(t.problem.fieldSeparator) });
}

/** An error of the console's own pages (AppError), as `reasonOf` says the API's. */
export function errorText(
  err: { code: string; message: string; extra?: Problem | AppError['extra'] },
  lang: LangOf = 'zh-CN',
): string {
  const body: Problem = { code: err.code, detail: err.message, ...((err.extra ?? {}) as Problem) };
  return reasonOf({ status: 0, body }, lang);
}

/** Beijing time for people: 2026年11月27日 09:30 in Chinese, 2026-11-27 09:30 in English. */
export function beijing(iso: string | undefined | null, lang: LangOf = 'zh-CN'): string {
  if (!iso) return '—';
  if (langFrom(lang) !== 'en') return beijingDateTime(iso);
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) return String(iso);
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The 暂定 (provisional) tooltip of a deadline, or null when its instants rest on entered arrangements. */
export function provisionalTip(t: ConsoleDict, lang: ConsoleLang, years: readonly number[] | undefined): string | null {
  if (!years?.length) return null;
  return fill(t.case.provisionalTip, { years: years.join(lang === 'en' ? ', ' : '、') });
}

/** The page's shared view data: user, nav, language switch. */
export function chrome(ctx: ConsoleContext, active: string, request: FastifyRequest) {
  const { t, user } = ctx;
  const role = user.role;
  const items = [
    ...(role === 'mediator' || role === 'supervisor' || role === 'admin' || role === 'grid_worker'
      ? [{ key: 'inbox', href: '/console/inbox' }]
      : []),
    ...(role === 'supervisor' || role === 'admin' ? [{ key: 'overdue', href: '/console/inbox?overdue=true' }] : []),
    ...(role === 'supervisor' || role === 'mediator' || role === 'admin'
      ? [{ key: 'alerts', href: '/console/alerts' }]
      : []),
    ...(role === 'supervisor' || role === 'admin' ? [{ key: 'statistics', href: '/console/statistics' }] : []),
    ...(role === 'agency_rep' ? [{ key: 'summonses', href: '/console/summonses' }] : []),
    ...(role === 'admin'
      ? [
          { key: 'admin', href: '/console/admin' },
          { key: 'calendars', href: '/console/calendars' },
        ]
      : []),
    { key: 'board', href: '/board' },
  ];
  return {
    lang: ctx.lang,
    t,
    csrf: ctx.csrf,
    user: { name: user.name, roleLabel: t.role[role] ?? role },
    nav: items.map((i) => ({ href: i.href, label: t.nav[i.key as keyof typeof t.nav], current: i.key === active })),
    langSwitch: `/console/lang?to=${ctx.lang === 'en' ? 'zh-CN' : 'en'}&next=${encodeURIComponent(request.url)}`,
  };
}
