/** Signing in to the console as a browser does: the login page (its CSRF cookie and token), then the form. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Handlebars escapes = and & in attribute values. */
const unescapeAttr = (v: string): string => v.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

/** The cookies an answer sets, as `name=value` pairs a browser would send back. */
export const cookiesOf = (res: LightMyRequestResponse): string[] =>
  [res.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]!);

/** The hidden `_csrf` field of a page's form ('' when there is none). */
export const formCsrfOf = (html: string): string => unescapeAttr(/name="_csrf" value="([^"]*)"/.exec(html)?.[1] ?? '');

/**
 * Opens the login page and posts its form with `fields` (username, password, next, …). The answer:
 * 303 with the session cookie when it worked, else the login page again.
 */
export async function consoleLogin(
  app: FastifyInstance,
  fields: Record<string, string>,
  opts: { remoteAddress?: string; cookie?: string } = {},
): Promise<LightMyRequestResponse> {
  const page = await app.inject({
    url: '/console/login',
    remoteAddress: opts.remoteAddress,
    headers: opts.cookie ? { cookie: opts.cookie } : {},
  });
  if (page.statusCode !== 200) throw new Error(`login page: ${page.statusCode} ${page.body.slice(0, 300)}`);
  const cookie = [opts.cookie, ...cookiesOf(page)].filter(Boolean).join('; ');
  return app.inject({
    method: 'POST',
    url: '/console/login',
    remoteAddress: opts.remoteAddress,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
    payload: new URLSearchParams({ _csrf: formCsrfOf(page.body), ...fields }).toString(),
  });
}
