/** Where a bench run's results go and what they say of the machine and the code measured. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client as PgClient } from 'pg';
import { temporalCliPath } from '../../temporal/tools';
import { adminDatabaseUrl } from './system';

/**
 * `bench/results/<date>-<sha><suffix>.json`, or `…-2.json`, `-3`, … when a run of the same day and
 * commit is already there: a second run never overwrites the first. Creates the folder.
 */
export function freshResultsFile(started: Date, sha: string, suffix = ''): string {
  const dir = path.join(__dirname, '..', 'results');
  mkdirSync(dir, { recursive: true });
  const base = `${started.toISOString().slice(0, 10)}-${sha}${suffix}`;
  for (let n = 1; ; n++) {
    const file = path.join(dir, `${base}${n > 1 ? `-${n}` : ''}.json`);
    if (!existsSync(file)) return file;
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: path.join(__dirname, '..', '..'),
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
}

/** The commit measured, and whether the tree had changes outside bench/results/ (a run of uncommitted code says so). */
export function codeVersion(): { sha: string; dirty: boolean } {
  const sha = git(['rev-parse', '--short', 'HEAD']) || 'nogit';
  // Results of earlier runs lying in bench/results/ are not a change to the code measured.
  const dirty = git(['status', '--porcelain', '--', ':(top)', ':(top,exclude)bench/results']).length > 0;
  return { sha, dirty };
}

export async function machine(): Promise<Record<string, unknown>> {
  const cpus = os.cpus();
  let postgres = '';
  const pg = new PgClient({ connectionString: await adminDatabaseUrl() });
  try {
    await pg.connect();
    postgres = (await pg.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  } finally {
    await pg.end().catch(() => undefined);
  }
  let temporal = '';
  try {
    temporal = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    temporal = 'unknown';
  }
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cpus: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres,
    temporal,
    loadAverageAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
