/**
 * Generates a migration from the entity changes (MikroORM's migrator, the same code as
 * `mikro-orm migration:create`) and updates the committed snapshot. Needs a database to diff against.
 * Usage: npm run migration:create [-- --initial | --blank]
 */
import { initORM } from '../db/orm';
import { resolveDatabaseUrl } from '../db/database';

async function main(): Promise<void> {
  const { url, close } = await resolveDatabaseUrl({ embeddedAllowed: false });
  const orm = await initORM(url);
  try {
    const migrator = orm.getMigrator();
    const initial = process.argv.includes('--initial');
    // --blank: a generated, empty migration for what entities cannot express (triggers, functions).
    const blank = process.argv.includes('--blank');
    const result = initial ? await migrator.createInitialMigration() : await migrator.createMigration(undefined, blank);
    console.log(result.fileName ? `created ${result.fileName}` : 'no changes');
  } finally {
    await orm.close();
    await close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
