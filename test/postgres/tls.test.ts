/**
 * PostgreSQL over TLS, against the machine's server with TLS turned on for this file (tls-server.ts): the ORM, the
 * alert listener (DATABASE_LISTEN_URL or the ORM's own settings) and db/database.ts's connections honour sslmode
 * and the CA as libpq means them, shown by the server's own pg_stat_ssl. Needs root (CI runs as root).
 */
import type { MikroORM } from '@mikro-orm/postgresql';
import Fastify, { type FastifyInstance } from 'fastify';
import alertStreamPlugin from '../../api/plugins/alert-stream';
import ormPlugin from '../../api/plugins/orm';
import { ensureDatabase } from '../../db/database';
import { pgConnection, sslOptions } from '../../db/connection-options';
import { initORM } from '../../db/orm';
import { enableServerTls, type TlsServer } from './tls-server';

const root = process.getuid?.() === 0;
if (!root)
  console.warn('test/postgres/tls.test.ts skipped: not root (needs to hand certificate files to the postgres user)');
const describeAsRoot = root ? describe : describe.skip;

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** The run's migrated database (global-setup.ts), with URL parameters added. */
function dbUrl(params: Record<string, string>): string {
  const u = new URL(process.env.DATABASE_URL!);
  for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
  return u.toString();
}

async function sslOf(orm: MikroORM, pid?: number): Promise<{ ssl: boolean; client_dn: string | null } | undefined> {
  const rows = await orm.em
    .getConnection()
    .execute<{ ssl: boolean; client_dn: string | null }[]>(
      pid === undefined
        ? 'select ssl, client_dn from pg_stat_ssl where pid = pg_backend_pid()'
        : 'select ssl, client_dn from pg_stat_ssl where pid = ?',
      pid === undefined ? [] : [pid],
    );
  return rows[0];
}

/** A bare app with the real alert listener on `orm`; resolves once it listens. */
async function listener(orm: MikroORM): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(ormPlugin, { orm });
  await app.register(alertStreamPlugin, { sweepMs: 0, sessionCheckMs: 60_000 });
  await app.ready();
  const until = Date.now() + 10_000;
  while (!app.alertStream.status().listening) {
    if (Date.now() > until) throw new Error('alert listener did not connect');
    await new Promise((r) => setTimeout(r, 50));
  }
  return app;
}

describe('TLS options as libpq means sslmode (no server needed)', () => {
  it('require encrypts without verifying; verify-ca checks the chain, not the name; verify-full both', () => {
    expect(sslOptions({ mode: 'require' })).toEqual({ rejectUnauthorized: false });
    const verifyCa = sslOptions({ mode: 'verify-ca', caFile: __filename }) as { checkServerIdentity: () => unknown };
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true });
    expect(verifyCa.checkServerIdentity()).toBeUndefined();
    expect(sslOptions({ mode: 'verify-full', caFile: __filename })).not.toHaveProperty('checkServerIdentity');
    expect(sslOptions({ mode: 'disable' })).toBe(false);
    // The URL pg and knex see carries no TLS parameter of its own (pg would verify for every mode).
    const c = pgConnection('postgres://u@h:5432/d?sslmode=require&application_name=x', {});
    expect(c.connectionString).toBe('postgres://u@h:5432/d?application_name=x');
    expect(c.ssl).toEqual({ rejectUnauthorized: false });
    expect(() => pgConnection('postgres://u@h/d?sslmode=verify-ca', {})).toThrow(/verify-ca needs a CA file/);
    expect(() => pgConnection('postgres://u@h/d?sslmode=sometimes', {})).toThrow(/sslmode must be one of/);
  });
});

describeAsRoot('PostgreSQL over TLS (the machine’s server, TLS on for this file)', () => {
  let server: TlsServer;
  const envBefore = { ...process.env };
  beforeAll(async () => {
    server = await enableServerTls(ADMIN_URL);
  }, 60_000);
  afterAll(async () => {
    await server?.restore();
  }, 60_000);
  afterEach(() => {
    for (const k of ['DATABASE_SSL_CA', 'DATABASE_SSL_CERT', 'DATABASE_SSL_KEY', 'DATABASE_LISTEN_URL']) {
      if (envBefore[k] === undefined) delete process.env[k];
      else process.env[k] = envBefore[k];
    }
  });

  it('verify-full with DATABASE_SSL_CA: the ORM and the alert listener (same settings) are encrypted', async () => {
    process.env.DATABASE_SSL_CA = server.files.ca;
    const orm = await initORM(dbUrl({ sslmode: 'verify-full' }), { pool: { min: 0, max: 2 } });
    let app: FastifyInstance | undefined;
    try {
      expect(await sslOf(orm)).toMatchObject({ ssl: true });
      app = await listener(orm);
      const pid = app.alertStream.status().backendPid!;
      expect(await sslOf(orm, pid)).toMatchObject({ ssl: true });
    } finally {
      await app?.close();
      await orm.close();
    }
  });

  it('DATABASE_LISTEN_URL: the listener connects there with its own TLS, the ORM stays plain', async () => {
    process.env.DATABASE_LISTEN_URL = dbUrl({ sslmode: 'verify-full', sslrootcert: server.files.ca });
    const orm = await initORM(dbUrl({ sslmode: 'disable' }), { pool: { min: 0, max: 2 } });
    let app: FastifyInstance | undefined;
    try {
      expect(await sslOf(orm)).toMatchObject({ ssl: false });
      app = await listener(orm);
      const pid = app.alertStream.status().backendPid!;
      expect(await sslOf(orm, pid)).toMatchObject({ ssl: true });
    } finally {
      await app?.close();
      await orm.close();
    }
  });

  it('a client certificate (DATABASE_SSL_CERT/KEY) is presented; require encrypts without a CA', async () => {
    process.env.DATABASE_SSL_CERT = server.files.clientCert;
    process.env.DATABASE_SSL_KEY = server.files.clientKey;
    const orm = await initORM(dbUrl({ sslmode: 'require' }), { pool: { min: 0, max: 1 } });
    try {
      expect(await sslOf(orm)).toEqual({ ssl: true, client_dn: '/CN=postgres' });
    } finally {
      await orm.close();
    }
  });

  it('verify-full with the wrong CA fails at start with an explanation', async () => {
    process.env.DATABASE_SSL_CA = server.files.wrongCa;
    const failed = await initORM(dbUrl({ sslmode: 'verify-full' }), { pool: { min: 0, max: 1 } }).then(
      async (orm) => {
        await orm.close();
        return undefined;
      },
      (err: Error) => err,
    );
    expect(failed?.message).toMatch(
      /数据库服务器证书校验失败（sslmode=verify-full）.*certificate failed verification \(sslmode=verify-full\): check DATABASE_SSL_CA/,
    );
    expect(failed?.message).toMatch(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER/);
  });

  it('sslmode=disable (and no sslmode) stays plain text', async () => {
    for (const url of [dbUrl({ sslmode: 'disable' }), dbUrl({})]) {
      const orm = await initORM(url, { pool: { min: 0, max: 1 } });
      try {
        expect(await sslOf(orm)).toMatchObject({ ssl: false });
      } finally {
        await orm.close();
      }
    }
  });

  it("db/database.ts's connections: DATABASE_SSL_CA verified (right CA connects, wrong refused), require unverified", async () => {
    const admin = (sslmode: string) => {
      const u = new URL(ADMIN_URL);
      u.searchParams.set('sslmode', sslmode);
      return u.toString();
    };
    const name = new URL(process.env.DATABASE_URL!).pathname.slice(1);
    process.env.DATABASE_SSL_CA = server.files.ca;
    await expect(ensureDatabase(admin('verify-full'), name)).resolves.toBeUndefined();
    process.env.DATABASE_SSL_CA = server.files.wrongCa;
    await expect(ensureDatabase(admin('verify-full'), name)).rejects.toMatchObject({
      code: expect.stringMatching(/SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER/),
    });
    // require: encrypted, the certificate not checked (node-postgres alone would refuse this self-signed chain).
    delete process.env.DATABASE_SSL_CA;
    await expect(ensureDatabase(admin('require'), name)).resolves.toBeUndefined();
  });
});
