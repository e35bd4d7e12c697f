/**
 * An embedded install is a pair: Temporal's store under data/ (the dev server's SQLite file) and
 * the PostgreSQL database with the read model. They must belong together and to this version of
 * the workflow code: a store from an earlier version ends in nondeterminism errors, and a store
 * paired with another install's database shows cases whose workflows do not exist (the inbox fills
 * with cases nobody can act on). `npm start` checks the pair before anything runs and refuses a
 * mismatch in one line that says what to do; `npm run reset` (scripts/reset.ts) moves the old
 * data aside.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The workflow code's generation: bumped only when histories of the code before cannot replay on the
 * code after (a change that was not versioned with patched(), see docs/versioning.md). 1 was version
 * 0.1 with its seven patches; 2 is the one code path.
 */
export const WORKFLOW_GENERATION = 2;

export interface InstallRecord {
  installId: string;
  generation: number;
  createdAt: string;
}

export const INSTALL_FILE = 'fengqiao-install.json';
const SETTING_KEY = 'install';

/** A data folder and a database that do not belong together; the message says what to do. */
export class InstallMismatch extends Error {
  override name = 'InstallMismatch';
}

const RESET =
  '运行 npm run reset 将旧数据移到一旁后重新启动 / run `npm run reset` to move the old data aside, then start again';

/** What the data folder holds, read before the dev server starts (it creates a fresh store). */
export function readDataFolder(dataDir: string, storeFile: string): { storeExists: boolean; record?: InstallRecord } {
  const file = path.join(dataDir, INSTALL_FILE);
  const record = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as InstallRecord) : undefined;
  return { storeExists: existsSync(storeFile), record };
}

/**
 * Checks the pair and, for a fresh store on an unclaimed, empty database, records it (in the data
 * folder and in the database). Throws InstallMismatch otherwise.
 */
export async function checkInstall(
  em: EntityManager,
  opts: { dataDir: string; folder: { storeExists: boolean; record?: InstallRecord }; now?: Date },
): Promise<{ installId: string; claimed: boolean }> {
  const { record, storeExists } = opts.folder;
  const where = opts.dataDir;
  if (storeExists && !record) {
    throw new InstallMismatch(
      `${where} 中的 Temporal 数据来自较早的版本，与当前的工作流代码不兼容；${RESET} (${where} holds Temporal data of an earlier version, which this workflow code cannot replay)`,
    );
  }
  if (record && record.generation !== WORKFLOW_GENERATION) {
    throw new InstallMismatch(
      `${where} 中的数据属于工作流第 ${record.generation} 代，当前代码为第 ${WORKFLOW_GENERATION} 代；${RESET} (${where} is of workflow generation ${record.generation}, this code is ${WORKFLOW_GENERATION})`,
    );
  }
  const [claim] = await em.execute<{ value: InstallRecord }[]>('select value from settings where key = ?', [
    SETTING_KEY,
  ]);
  const owner = claim?.value;
  if (record && storeExists) {
    if (owner && owner.installId !== record.installId) {
      throw new InstallMismatch(
        `数据库属于另一个安装（${owner.installId.slice(0, 8)}），与 ${where} 不配套；请设置 DATABASE_URL 指向本安装的数据库，或${RESET} (the database belongs to another install)`,
      );
    }
    if (owner) return { installId: record.installId, claimed: false };
  } else if (owner) {
    // A fresh store (data/ new or deleted) and a database that already belongs to an install.
    throw new InstallMismatch(
      `数据库已属于另一个安装（${owner.installId.slice(0, 8)}），其案件的工作流不在新的 ${where} 中；${RESET} (the database belongs to an install whose Temporal store is gone)`,
    );
  }
  const [cases] = await em.execute<{ n: string }[]>('select count(*) as n from disputes');
  if (Number(cases?.n ?? 0) > 0) {
    throw new InstallMismatch(
      `数据库中已有 ${cases!.n} 件案件，但不属于 ${where} 中的 Temporal 数据；${RESET} (the database holds cases of another Temporal store)`,
    );
  }
  const mine: InstallRecord = record ?? {
    installId: randomUUID(),
    generation: WORKFLOW_GENERATION,
    createdAt: (opts.now ?? new Date()).toISOString(),
  };
  await em.execute(
    `insert into settings (key, value, updated_at, updated_by) values (?, ?::jsonb, now(), 'npm start')
     on conflict (key) do nothing`,
    [SETTING_KEY, JSON.stringify(mine)],
  );
  mkdirSync(where, { recursive: true });
  writeFileSync(path.join(where, INSTALL_FILE), `${JSON.stringify(mine, null, 2)}\n`);
  return { installId: mine.installId, claimed: true };
}
