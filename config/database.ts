/**
 * PostgreSQL connection settings from the environment (config/env.ts calls parseDatabaseConfig; db/connection-options.ts
 * turns them into pg/knex options, docs/postgresql.md explains them):
 * - DATABASE_URL: postgres://user:pass@host:5432/db, with libpq's TLS parameters honoured: sslmode (disable, prefer,
 *   require, verify-ca, verify-full), sslrootcert, sslcert, sslkey.
 * - DATABASE_LISTEN_URL: a session-mode connection (not through PgBouncer's transaction pooling) for LISTEN and the
 *   migration lock; default DATABASE_URL.
 * - DATABASE_SSL_CA, DATABASE_SSL_CERT, DATABASE_SSL_KEY: PEM files (CA, client certificate and key) for every URL
 *   that does not name its own sslrootcert/sslcert/sslkey.
 * - DATABASE_POOL_MAX: connections per process in the ORM's pool (1 to 200, default 10).
 */
import { accessSync, constants } from 'node:fs';

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

export interface DatabaseTls {
  mode: SslMode;
  /** PEM file of the CA(s) to trust; undefined with verify-full: Node's bundled public CAs (sslrootcert=system too). */
  caFile?: string;
  /** Client certificate and key (PEM files), both or neither. */
  certFile?: string;
  keyFile?: string;
}

export interface DatabaseConfig {
  url?: string;
  /** DATABASE_LISTEN_URL: LISTEN and the migration lock; undefined: DATABASE_URL. */
  listenUrl?: string;
  poolMax: number;
  /** TLS of DATABASE_URL (disable when unset). */
  tls: DatabaseTls;
}

export const DEFAULT_POOL_MAX = 10;
/** The URL parameters libpq reads for TLS (and pg's own `ssl`, `uselibpqcompat`): taken off before pg/knex see the URL. */
export const TLS_URL_PARAMS = ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'uselibpqcompat'];

const MODES_TEXT = SSL_MODES.join(', ');

function readable(name: string, file: string, problems: string[]): string | undefined {
  try {
    accessSync(file, constants.R_OK);
    return file;
  } catch {
    problems.push(`${name} 文件不存在或不可读 / ${name} is not a readable file (got "${file}")`);
    return undefined;
  }
}

/**
 * The TLS settings of one connection URL: its sslmode (else verify-full when a CA is given, else disable), and the
 * CA, certificate and key from its sslrootcert/sslcert/sslkey, else from DATABASE_SSL_CA/_CERT/_KEY.
 * `require` with a CA verifies the CA (as libpq does); `prefer` is `require` here: no fallback to plain text.
 */
export function tlsOf(url: string, env: NodeJS.ProcessEnv, problems: string[], what = 'DATABASE_URL'): DatabaseTls {
  let params: URLSearchParams;
  try {
    params = new URL(url).searchParams;
  } catch {
    // Never read as "no TLS asked for": a URL that cannot be read cannot say what it asks.
    problems.push(`${what} 不是有效的网址 / ${what} is not a valid URL`);
    return { mode: 'disable' };
  }
  // The URL's parameter, else ours, else libpq's variable (PGSSLROOTCERT…), as libpq reads them.
  const pick = (param: string, envName: string, pgName: string): { name: string; file: string } | undefined => {
    const fromUrl = params.get(param);
    if (fromUrl) return { name: `${what} ${param}`, file: fromUrl };
    const [name, fromEnv] = env[envName]?.trim() ? [envName, env[envName]!.trim()] : [pgName, env[pgName]?.trim()];
    return fromEnv ? { name, file: fromEnv } : undefined;
  };
  const ca = pick('sslrootcert', 'DATABASE_SSL_CA', 'PGSSLROOTCERT');
  const cert = pick('sslcert', 'DATABASE_SSL_CERT', 'PGSSLCERT');
  const key = pick('sslkey', 'DATABASE_SSL_KEY', 'PGSSLKEY');
  const systemCa = ca?.file === 'system';

  let mode: SslMode;
  // An operator's PGSSLMODE=verify-full is honoured, as pg and libpq honour it: never silently plain.
  const rawMode = params.get('sslmode') ?? (env.PGSSLMODE?.trim() || null);
  const rawSsl = params.get('ssl'); // pg's own parameter: true/1 verifies, no-verify does not
  if (rawMode !== null) {
    if (!(SSL_MODES as readonly string[]).includes(rawMode)) {
      problems.push(
        `${what} 的 sslmode 须为 ${MODES_TEXT} 之一 / ${what} sslmode must be one of ${MODES_TEXT} (got "${rawMode}")`,
      );
      return { mode: 'disable' };
    }
    mode = rawMode as SslMode;
  } else if (rawSsl === 'true' || rawSsl === '1') mode = 'verify-full';
  else if (rawSsl === 'no-verify') mode = 'require';
  else if (ca && rawSsl !== 'false' && rawSsl !== '0') mode = 'verify-full';
  else mode = 'disable';
  if (mode === 'disable') return { mode };
  if (mode === 'require' && ca) mode = 'verify-ca'; // libpq: a root certificate turns require into verify-ca
  if (mode === 'verify-ca' && (!ca || systemCa))
    problems.push(
      `${what} sslmode=verify-ca 须指定 CA 文件（DATABASE_SSL_CA 或 sslrootcert）/ ${what} sslmode=verify-ca needs a CA file (DATABASE_SSL_CA or sslrootcert)`,
    );
  if (!cert !== !key)
    problems.push(
      `客户端证书与私钥须同时设置（DATABASE_SSL_CERT 与 DATABASE_SSL_KEY，或 sslcert 与 sslkey）/ the client certificate and key go together (DATABASE_SSL_CERT and DATABASE_SSL_KEY, or sslcert and sslkey)`,
    );
  return {
    mode,
    caFile: ca && !systemCa ? readable(ca.name, ca.file, problems) : undefined,
    certFile: cert ? readable(cert.name, cert.file, problems) : undefined,
    keyFile: key ? readable(key.name, key.file, problems) : undefined,
  };
}

function postgresUrl(name: string, raw: string | undefined, problems: string[]): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  try {
    const u = new URL(value);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
      problems.push(`${name} 须以 postgres:// 开头 / ${name} must use postgres: or postgresql: (got ${u.protocol})`);
  } catch {
    problems.push(`${name} 不是有效的网址 / ${name} is not a valid URL`);
    return undefined;
  }
  return value;
}

/** DATABASE_POOL_MAX: an integer from 1 to 200 (default 10). */
export function poolMaxOf(env: NodeJS.ProcessEnv, problems: string[]): number {
  const raw = env.DATABASE_POOL_MAX?.trim();
  if (!raw) return DEFAULT_POOL_MAX;
  const n = Number(raw);
  if (/^\d+$/.test(raw) && n >= 1 && n <= 200) return n;
  problems.push(
    `DATABASE_POOL_MAX 须为 1 到 200 的整数 / DATABASE_POOL_MAX must be an integer from 1 to 200 (got "${raw}")`,
  );
  return DEFAULT_POOL_MAX;
}

export function parseDatabaseConfig(env: NodeJS.ProcessEnv, problems: string[]): DatabaseConfig {
  const url = postgresUrl('DATABASE_URL', env.DATABASE_URL, problems);
  const listenUrl = postgresUrl('DATABASE_LISTEN_URL', env.DATABASE_LISTEN_URL, problems);
  const tls = url ? tlsOf(url, env, problems) : { mode: 'disable' as const };
  if (listenUrl) tlsOf(listenUrl, env, problems, 'DATABASE_LISTEN_URL');
  return { url, listenUrl, poolMax: poolMaxOf(env, problems), tls };
}
