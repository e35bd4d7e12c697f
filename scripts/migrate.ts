/** `npm run migrate`: applies pending migrations to DATABASE_URL; `--seed` also loads the demo directory. */
import { loadConfig } from '../config/env';
import { initORM, migrate } from '../db/orm';
import { seedDemo } from '../demo/seed';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireDatabaseUrl: true, servesApi: false });
  const orm = await initORM(config.databaseUrl!);
  try {
    // The lock needs a session: DATABASE_LISTEN_URL when DATABASE_URL goes through PgBouncer's transaction pooling.
    const applied = await migrate(orm, {
      sessionUrl: config.database.listenUrl,
      onWait: (message) => console.log(message),
    });
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'database is up to date');
    if (process.argv.includes('--seed')) {
      const seeded = await seedDemo(orm.em.fork(), {
        demoPassword: config.demoPassword,
        demoApiKey: config.demoApiKey,
      });
      if (seeded.skipped) console.log(`demo directory not seeded: ${seeded.skipped}`);
      else {
        if (seeded.generatedApiKey) console.log(`demo integrator API key (shown once): ${seeded.generatedApiKey}`);
        console.log('demo directory seeded (what was missing; nothing existing changed)');
      }
    }
  } finally {
    await orm.close();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
