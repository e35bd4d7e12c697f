/**
 * What every console page needs: the signed-in staff member (from the session cookie), the words of
 * their language, the CSRF token for forms, and a way to call the API as them. The console calls the
 * same API routes integrators use (through `inject`), so every rule — role, area, stage, idempotency,
 * rate limits — is the API's, and a refusal carries the API's reason.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../api/plugins/auth';
import { AppError, ERROR_STATUS, type ErrorCode } from '../api/errors';
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

export interface Problem {
  code?: string;
  title?: string;
  detail?: string;
  status?: number;
  errors?: Array<{ field?: string; message?: string }>;
  allowed?: string[];
  stage?: string;
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
    throw new AppError('forbidden', 'the form is stale or came from elsewhere: reload the page and try again');
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
  throw new AppError(code, problem?.detail ?? problem?.title);
}

/** A refusal's explanation, as a mediator should read it. */
export function reasonOf(answer: ApiAnswer<unknown>): string {
  const p = answer.body as Problem | undefined;
  const parts = [p?.detail ?? p?.title ?? `HTTP ${answer.status}`];
  for (const e of p?.errors ?? []) parts.push(`${(e.field ?? '').replace(/^body\/?/, '') || '—'}: ${e.message ?? ''}`);
  return parts.join(' · ');
}

/** Beijing time for people: 2026-11-27 09:30. */
export function beijing(iso: string | undefined | null): string {
  if (!iso) return '—';
  const d = new Date(new Date(iso).getTime() + 8 * 3600_000);
  return d.toISOString().slice(0, 16).replace('T', ' ');
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
