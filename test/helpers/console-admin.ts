/**
 * The administrator's console tests: a system on a database of its own (an admin change — a policy,
 * a user, a key — would otherwise change what the run's other files see), the API's log lines kept
 * for the audit of admin actions, and the page helpers those tests read forms and text with.
 */
import type { LightMyRequestResponse } from 'fastify';
import { dropDatabase, ensureDatabase } from '../../db/database';
import { initORM, migrate, ormOptions } from '../../db/orm';
import { seedDemo } from '../../demo/seed';
import { apiOf } from './api';
import { consoleLogin, cookiesOf } from './console';
import { TEST_API_KEY, TEST_PASSWORD } from './run-state';
import { startSystem, type TestSystem } from './system';

export interface AdminConsole {
  sys: TestSystem;
  api: ReturnType<typeof apiOf>;
  /** The API's log lines (JSON). */
  logs: string[];
  loginAs(username: string, password?: string): Promise<string>;
  page(cookie: string, url: string): Promise<LightMyRequestResponse>;
  post(cookie: string, url: string, fields: Record<string, string>): Promise<LightMyRequestResponse>;
}

/**
 * Registers beforeAll/afterAll that start the system on a database named after `suffix` (migrated and
 * seeded) and drop it at the end; the returned object is filled in before the first test.
 */
export function adminConsoleOnOwnDatabase(suffix: string): AdminConsole {
  const runDatabaseUrl = process.env.DATABASE_URL!;
  const adminUrl = new URL(runDatabaseUrl);
  const dbName = `${adminUrl.pathname.slice(1)}_${suffix}_${process.pid}`;
  const ownUrl = Object.assign(new URL(runDatabaseUrl), { pathname: `/${dbName}` }).toString();
  const self = { logs: [] as string[] } as AdminConsole;

  beforeAll(async () => {
    await ensureDatabase(adminUrl.toString(), dbName);
    const orm = await initORM(ownUrl, {
      pool: { min: 0, max: 2 },
      migrations: { ...ormOptions('').migrations, silent: true },
    });
    await migrate(orm);
    await seedDemo(orm.em.fork(), { demoPassword: TEST_PASSWORD, demoApiKey: TEST_API_KEY });
    await orm.close();
    process.env.DATABASE_URL = ownUrl;
    self.sys = await startSystem({
      logger: { level: 'info', stream: { write: (line: string) => void self.logs.push(line) } },
    });
    self.api = apiOf(self.sys);
  }, 400_000);

  afterAll(async () => {
    // A console page that failed (500) says why here.
    for (const line of self.logs) if (JSON.parse(line).level >= 50) console.error(line.slice(0, 3000));
    process.env.DATABASE_URL = runDatabaseUrl;
    await self.sys?.close();
    await dropDatabase(adminUrl.toString(), dbName);
  });

  self.loginAs = async (username, password = TEST_PASSWORD) => {
    const res = await consoleLogin(self.sys.app, { username, password, next: '/console' });
    expect(res.statusCode).toBe(303);
    return cookiesOf(res).find((c) => c.startsWith('fq_session='))!;
  };
  self.page = (cookie, url) => self.sys.app.inject({ url, headers: { cookie } });
  self.post = (cookie, url, fields) =>
    self.sys.app.inject({
      method: 'POST',
      url,
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(fields).toString(),
    });
  return self;
}

export const unescapeAttr = (v: string): string => v.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
export const csrfOf = (html: string): string => unescapeAttr(/name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '');

/** The hidden fields of the form that posts to `action` on this page. */
export function formFields(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form method="post" action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1];
  if (!form) throw new Error(`no form to ${action}`);
  return Object.fromEntries(
    [...form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [
      m[1]!,
      unescapeAttr(m[2]!),
    ]),
  );
}

/** The text a person reads on the page's main part: no tags. */
export const textOf = (res: LightMyRequestResponse): string =>
  (/<main[^>]*>([\s\S]*)<\/main>/.exec(res.body)?.[1] ?? '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
export const hrefOf = (html: string, re: RegExp): string => re.exec(unescapeAttr(html))?.[1] ?? '';
