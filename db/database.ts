/**
 * Where the database is: DATABASE_URL if set; else a PostgreSQL server on 127.0.0.1:5432 if one
 * answers (database `fengqiao` created if missing); else an embedded PostgreSQL (PGlite, served
 * over the wire protocol by pglite-socket, data under data/pglite).
 */
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { Client } from 'pg';
import { DATA_DIR } from '../config/paths';
import { pgConnection } from './connection-options';

export interface ResolvedDatabase {
  url: string;
  kind: 'configured' | 'local' | 'embedded';
  close: () => Promise<void>;
}

const LOCAL_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_DB = 'fengqiao';

async function answers(url: string): Promise<boolean> {
  const client = new Client({ ...pgConnection(url), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates database `name` on the server at `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = new Client(pgConnection(adminUrl));
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database ${name}`).catch((err: { code?: string }) => {
        if (err.code !== '42P04') throw err; // created concurrently
      });
    }
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe database name ${name}`);
  const client = new Client(pgConnection(adminUrl));
  await client.connect();
  try {
    await client.query(`drop database if exists ${name} with (force)`);
  } finally {
    await client.end();
  }
}

async function startEmbedded(): Promise<ResolvedDatabase> {
  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54329);
  const dataDir = path.join(DATA_DIR, 'pglite');
  mkdirSync(dataDir, { recursive: true });
  // Both packages are ESM-only; load them with a real dynamic import (tsc would turn import() into require()).
  const esmImport = new Function('m', 'return import(m)') as (m: string) => Promise<any>;
  const { PGlite } = await esmImport('@electric-sql/pglite');
  const { PGLiteSocketServer } = await esmImport('@electric-sql/pglite-socket');
  const db = await PGlite.create({ dataDir });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 20 });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    kind: 'embedded',
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

export async function resolveDatabaseUrl(opts: { embeddedAllowed: boolean }): Promise<ResolvedDatabase> {
  const configured = process.env.DATABASE_URL;
  if (configured) return { url: configured, kind: 'configured', close: async () => undefined };
  const forceEmbedded = process.env.EMBEDDED_PG === 'force';
  if (!forceEmbedded && (await answers(LOCAL_ADMIN_URL))) {
    await ensureDatabase(LOCAL_ADMIN_URL, LOCAL_DB);
    return {
      url: `postgres://postgres@127.0.0.1:5432/${LOCAL_DB}`,
      kind: 'local',
      close: async () => undefined,
    };
  }
  if (!opts.embeddedAllowed) throw new Error('no PostgreSQL: set DATABASE_URL or start one on 127.0.0.1:5432');
  return startEmbedded();
}
