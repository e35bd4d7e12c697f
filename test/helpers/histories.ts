import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
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
  const { stdout } = await promisify(execFile)(
    temporalCliPath(),
    ['workflow', 'show', '--address', address, '--workflow-id', workflowId, '--output', 'json'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  writeFileSync(file, stdout);
}
