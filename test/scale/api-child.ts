/**
 * One API process of the scale suite: api/server.ts's `startApi`, configured by the environment
 * only, as `npm run api` is. READYZ_WORKER_MAX_AGE_SECONDS is read here through config/health.ts
 * until config/env.ts carries it (then `config.health` is already set and kept).
 */
import { loadConfig } from '../../config/env';
import { parseHealthConfig } from '../../config/health';
import { startApi } from '../../api/server';

(async () => {
  const config = loadConfig(process.env, { requireDatabaseUrl: true });
  const problems: string[] = [];
  const health = (config as { health?: unknown }).health ?? parseHealthConfig(process.env, problems);
  if (problems.length) throw new Error(problems.join('\n'));
  const app = await startApi({ ...config, health } as typeof config, config.databaseUrl!);
  console.log(`listening ${process.pid}`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void app.close().then(() => process.exit(0)));
  }
})().catch((err) => {
  console.error('api-child failed:', err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
