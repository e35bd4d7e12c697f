/**
 * How every PostgreSQL connection of Fengqiao is made (the ORM's pool, the alert listener, the migration lock,
 * db/database.ts and the scripts): the URL without its TLS parameters, plus node's TLS options built from them as
 * libpq means them (config/database.ts parses them). Needed because neither MikroORM (it keeps only host, port,
 * user, password and database of `clientUrl`) nor pg (it verifies the certificate for every sslmode) does so.
 *
 *   disable      plain text
 *   prefer       encrypted, certificate not verified (no fallback to plain text: use disable for that)
 *   require      encrypted, certificate not verified; with a CA given, as verify-ca (libpq does the same)
 *   verify-ca    encrypted, the server's certificate must chain to the CA; its name is not checked
 *   verify-full  encrypted, chain to the CA (or to Node's public CAs without one) and the host name must match
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import type { MikroORM, Options } from '@mikro-orm/postgresql';
import { TLS_URL_PARAMS, tlsOf, type DatabaseTls } from '../config/database';

export interface PgConnection {
  /** The URL without sslmode, sslrootcert, sslcert, sslkey (pg would apply them its own way). */
  connectionString: string;
  /** false, or node's TLS options. Always set, so pg does not fall back to PGSSLMODE behind our back. */
  ssl: false | ConnectionOptions;
  tls: DatabaseTls;
}

export class DatabaseConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`数据库连接配置有误 / invalid database connection settings:\n  - ${problems.join('\n  - ')}`);
    this.name = 'DatabaseConfigError';
  }
}

function withoutTlsParams(url: string): string {
  try {
    const u = new URL(url);
    for (const p of TLS_URL_PARAMS) u.searchParams.delete(p);
    return u.toString();
  } catch {
    return url;
  }
}

/** Node's TLS options for the settings (files read now: a rotated certificate is picked up by the next connection). */
export function sslOptions(tls: DatabaseTls): false | ConnectionOptions {
  if (tls.mode === 'disable') return false;
  const read = (file: string | undefined) => (file ? readFileSync(file, 'utf8') : undefined);
  const client = { cert: read(tls.certFile), key: read(tls.keyFile) };
  if (tls.mode === 'prefer' || tls.mode === 'require') return { ...client, rejectUnauthorized: false };
  const ca = read(tls.caFile);
  if (tls.mode === 'verify-ca')
    // The chain is verified (rejectUnauthorized); the name is not, which is what verify-ca means.
    return { ...client, ca, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  return { ...client, ca, rejectUnauthorized: true };
}

/** pg's Client/Pool options for `url`: `new Client({ ...pgConnection(url), connectionTimeoutMillis: … })`. */
export function pgConnection(url: string, env: NodeJS.ProcessEnv = process.env): PgConnection {
  const problems: string[] = [];
  const tls = tlsOf(url, env, problems);
  if (problems.length) throw new DatabaseConfigError(problems);
  return { connectionString: withoutTlsParams(url), ssl: sslOptions(tls), tls };
}

/** The ORM's part: `clientUrl` (without TLS parameters) and the TLS options knex hands to pg. */
export function ormConnection(url: string, env: NodeJS.ProcessEnv = process.env): Partial<Options> {
  if (!url) return {};
  const { connectionString, ssl } = pgConnection(url, env);
  return { clientUrl: connectionString, driverOptions: { connection: { ssl } } };
}

/** The same server, database and TLS as the ORM's own pool: for a dedicated session beside it. */
export function connectionOfOrm(orm: MikroORM): Pick<PgConnection, 'connectionString' | 'ssl'> {
  const driverOptions = orm.config.get('driverOptions') as { connection?: { ssl?: false | ConnectionOptions } };
  return { connectionString: orm.config.get('clientUrl')!, ssl: driverOptions?.connection?.ssl ?? false };
}

/** Node's and pg's errors of a TLS connection that failed, for a clearer message. */
const TLS_ERROR_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

/** A bilingual explanation when `err` is a failed TLS handshake or a server without TLS; else undefined. */
export function tlsFailure(err: unknown, mode: DatabaseTls['mode']): string | undefined {
  const e = err as { code?: string; message?: string } | undefined;
  const message = e?.message ?? String(err);
  if (/does not support SSL/i.test(message))
    return `数据库服务器未启用 TLS，而 sslmode=${mode} 要求加密 / the database server does not accept TLS, and sslmode=${mode} requires it (${message})`;
  if (e?.code && TLS_ERROR_CODES.has(e.code))
    return `数据库服务器证书校验失败（sslmode=${mode}）：检查 DATABASE_SSL_CA 或 sslrootcert 与主机名 / the database server's certificate failed verification (sslmode=${mode}): check DATABASE_SSL_CA or sslrootcert, and the host name (${e.code}: ${message})`;
  return undefined;
}

/** A dedicated session (LISTEN, the migration lock): `url` (DATABASE_LISTEN_URL) if given, else the ORM's own. */
export function sessionConnection(
  url: string | undefined,
  orm: MikroORM,
): Pick<PgConnection, 'connectionString' | 'ssl'> {
  if (!url) return connectionOfOrm(orm);
  const { connectionString, ssl } = pgConnection(url);
  return { connectionString, ssl };
}
