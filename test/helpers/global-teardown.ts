import { rmSync } from 'node:fs';
import { dropDatabase } from '../../db/database';
import { runState } from './run-state';

export default async function globalTeardown(): Promise<void> {
  const state = runState.get();
  if (!state) return;
  await state.server.stop();
  await dropDatabase(state.adminUrl, state.dbName);
  rmSync(state.bundlePath, { force: true });
}
