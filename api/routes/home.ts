/**
 * The root address, for whoever opens the server without knowing where to go: a browser gets a page
 * (Chinese first, an English line) that leads to the console, the public board, the API docs and the
 * health check; an API client that asks for JSON gets the same as a small index. Public, nothing
 * personal. And `/favicon.ico`, the 枫 mark (console/static/favicon.svg), for the pages that do not
 * link it themselves (the API docs, JSON in a browser).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { PROJECT_ROOT } from '../../config/paths';

export const ENTRIES = [
  {
    key: 'console',
    href: '/console',
    name: '调解工作台',
    what: '调解员、负责人、部门代表和管理员登录办理案件',
    en: 'Console: staff sign in to handle cases',
  },
  {
    key: 'board',
    href: '/board',
    name: '平安指数公示',
    what: '各地矛盾纠纷化解情况的公开排名',
    en: 'Public board: the Safety Index of each area',
  },
  {
    key: 'docs',
    href: '/docs',
    name: '接口文档',
    what: '对接平台使用的接口、事件推送及签名校验说明',
    en: 'API docs: the API, webhooks and how to verify them',
  },
  {
    key: 'health',
    href: '/healthz',
    name: '运行状态',
    what: '服务是否在运行（就绪检查：/readyz）',
    en: 'Health: whether the service is up (readiness: /readyz)',
  },
] as const;

const TEMPLATE = path.join(PROJECT_ROOT, 'views/home.hbs');
/** The page's one inline style block, allowed by its hash (no 'unsafe-inline'). */
const STYLE = /<style>([\s\S]*?)<\/style>/.exec(readFileSync(TEMPLATE, 'utf8'))?.[1] ?? '';
const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');
export const HOME_CSP = [
  "default-src 'none'",
  `style-src 'sha256-${STYLE_HASH}'`,
  "img-src 'self'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const FAVICON = readFileSync(path.join(PROJECT_ROOT, 'console/static/favicon.svg'), 'utf8');

/** Whether the client prefers JSON to HTML (by the q-values of its Accept header; a tie or `*∕*` is HTML). */
export function wantsJson(request: FastifyRequest): boolean {
  const q = (pattern: RegExp): number => {
    let best = -1;
    for (const part of (request.headers.accept ?? '').split(',')) {
      const [type, ...params] = part.trim().split(';');
      if (!type || !pattern.test(type.trim().toLowerCase())) continue;
      const given = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      best = Math.max(best, given === undefined ? 1 : Number(given) || 0);
    }
    return best;
  };
  const json = q(/^application\/([a-z0-9.+-]*\+)?json$/);
  return json > 0 && json > q(/^(text\/html|application\/xhtml\+xml)$/);
}

const Index = Type.Object({
  name: Type.String(),
  description: Type.String(),
  links: Type.Object({
    console: Type.String(),
    board: Type.String(),
    docs: Type.String(),
    openapi: Type.String(),
    health: Type.String(),
    ready: Type.String(),
    api: Type.String(),
  }),
});

const home: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/',
    {
      config: { public: true },
      schema: {
        tags: ['home'],
        summary: 'Where to go: a page for people (text/html), an index of links for API clients (application/json)',
        response: {
          200: {
            description: 'The index',
            content: { 'application/json': { schema: Index }, 'text/html': { schema: Type.String() } },
          },
        },
      },
    },
    async (request, reply) => {
      void reply.header('vary', 'Accept');
      if (wantsJson(request))
        return reply.type('application/json; charset=utf-8').send({
          name: 'Fengqiao (枫桥) dispute mediation',
          description: '枫桥矛盾纠纷调解系统：接口、工作台与公示 / the API, the console and the public board',
          links: {
            console: '/console',
            board: '/board',
            docs: '/docs',
            openapi: '/docs/json',
            health: '/healthz',
            ready: '/readyz',
            api: '/api/v1',
          },
        });
      return reply.header('content-security-policy', HOME_CSP).view('home.hbs', { entries: ENTRIES });
    },
  );

  app.get(
    '/favicon.ico',
    {
      config: { public: true },
      schema: {
        tags: ['home'],
        summary: 'The 枫 mark (SVG)',
        response: { 200: { description: 'image/svg+xml', content: { 'image/svg+xml': { schema: Type.String() } } } },
      },
    },
    async (_request, reply) =>
      reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(FAVICON),
  );
};

export default home;
