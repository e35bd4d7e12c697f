/**
 * `npm run retention [-- --dry-run]`: one retention run now (ops/retention.ts, docs/retention.md), as the
 * API's housekeeping does hourly: purges past RETENTION_*_DAYS, reduction of the case files closed more
 * than CASE_ARCHIVE_YEARS ago, their evidence files deleted from the attachment store (ATTACHMENT_STORE).
 * --dry-run lists the cases due and changes nothing.
 */
import { parseArgs } from 'node:util';
import { parseAttachmentConfig } from '../config/attachments';
import { parseRetentionConfig } from '../config/retention';
import { resolveDatabaseUrl } from '../db/database';
import { initORM } from '../db/orm';
import { casesDue, runRetention } from '../ops/retention';
import { createAttachmentStore } from '../storage';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false } } });
  const problems: string[] = [];
  const retention = parseRetentionConfig(process.env, problems);
  const attachments = parseAttachmentConfig(process.env, problems);
  if (problems.length) throw new Error(problems.join('\n'));
  const db = await resolveDatabaseUrl({ embeddedAllowed: false });
  const orm = await initORM(db.url, { pool: { min: 0, max: 2 } });
  try {
    if (values['dry-run']) {
      const due = await casesDue(orm.em.fork(), retention.caseArchiveYears, new Date(), 10_000);
      console.log(JSON.stringify({ retention, casesDue: due }, null, 2));
      return;
    }
    const store = createAttachmentStore(attachments, orm);
    const done = await runRetention(orm.em.fork(), store, retention, { actor: 'cli' });
    console.log(JSON.stringify({ retention, ...done }, null, 2));
  } finally {
    await orm.close();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
