import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import type { Client } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import path from 'node:path';
import { promisify } from 'node:util';
import { temporalCliPath } from '../../temporal/tools';

export const HISTORIES_DIR = path.join(__dirname, '../histories');

/**
 * With RECORD_HISTORIES=1 (`npm run histories:record`), saves a case's event history under
 * test/histories/ (exported by the Temporal CLI, the format replay expects), where the replay test
 * keeps every future version of the workflow honest. A new version of the command sequence records
 * its own set beside the old: RECORD_HISTORIES_SUFFIX=-local-reads names them `<name>-local-reads`.
 */
export async function recordHistory(address: string, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = path.join(HISTORIES_DIR, `${name}${process.env.RECORD_HISTORIES_SUFFIX ?? ''}.json`);
  // A recorded history is what running cases of that version look like: never overwrite one.
  if (existsSync(file)) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  const { stdout } = await promisify(execFile)(
    temporalCliPath(),
    ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(file, stdout);
}

/**
 * The same from a client (any server, the time-skipping test server included): with
 * RECORD_HISTORIES=1, the workflow's history as the replay test reads it, never overwriting one.
 */
export async function saveHistory(client: Client, workflowId: string, name: string): Promise<void> {
  if (process.env.RECORD_HISTORIES !== '1') return;
  const file = path.join(HISTORIES_DIR, `${name}${process.env.RECORD_HISTORIES_SUFFIX ?? ''}.json`);
  if (existsSync(file)) return;
  mkdirSync(HISTORIES_DIR, { recursive: true });
  writeFileSync(file, historyToJSON(await client.workflow.getHandle(workflowId).fetchHistory()));
}
