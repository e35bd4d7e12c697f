/** `npm run api`: the HTTP listener, configured by the environment only (TEMPORAL_*, DATABASE_URL, PORT). */
// First: tracing, when configured, must hook `pg` before anything loads it (telemetry/tracing.ts).
import '../telemetry/register-api';
import { loadConfig, type AppConfig } from '../config/env';
import { initORM } from '../db/orm';
import { configuredDataConverter } from '../temporal/codec';
import { connectClient } from '../temporal/connection';
import { stopTracing } from '../telemetry/tracing';
import { findChromium, PdfRenderer } from '../templates/pdf';
import { createRenderer } from '../templates/render';
import { buildApp } from './app';
import { partyServicesFor } from './services';

export async function startApi(config: AppConfig, databaseUrl: string) {
  const orm = await initORM(databaseUrl);
  // Payloads are encrypted as the worker encrypts them; /codec decodes them for the Temporal UI and CLI.
  const temporal = await connectClient(configuredDataConverter(config));
  const chromiumPath = findChromium(config.chromiumPath);
  const app = await buildApp({
    config,
    orm,
    temporal,
    renderer: createRenderer(),
    ...partyServicesFor(config, orm),
    pdf: chromiumPath ? new PdfRenderer(chromiumPath, config.pdf) : undefined,
  });
  app.addHook('onClose', async () => {
    await temporal.connection.close();
    await orm.close();
    // The spans still buffered go out before the process ends.
    await stopTracing();
  });
  await app.listen({ port: config.port, host: config.host });
  return app;
}

if (require.main === module) {
  (async () => {
    const config = loadConfig(process.env, { requireDatabaseUrl: true });
    const app = await startApi(config, config.databaseUrl!);
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app.log.info(`${signal}: closing`);
        void app.close().then(() => process.exit(0));
      });
    }
  })().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
