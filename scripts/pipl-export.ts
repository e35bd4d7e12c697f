/**
 * `npm run pipl:export -- --phone 13800001111 [--id 430…] [--name 陈某] [--out file.json]`: one person's
 * data for an access request under 个人信息保护法 Art. 45 (ops/personal-data-export.ts, docs/retention.md),
 * as JSON on stdout or in --out (created 0600). Logged in data_protection_log as `cli:<os user>`.
 */
import { writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { resolveDatabaseUrl } from '../db/database';
import { initORM } from '../db/orm';
import { exportPersonalData, queryProblem, type PersonQuery } from '../ops/personal-data-export';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      phone: { type: 'string' },
      id: { type: 'string' },
      name: { type: 'string' },
      out: { type: 'string' },
    },
  });
  const query: PersonQuery = { phone: values.phone, idNumber: values.id, name: values.name };
  const problem = queryProblem(query);
  if (problem)
    throw new Error(
      `${problem}\n用法 / usage: npm run pipl:export -- --phone <phone> [--id <id>] [--name <name>] [--out <file>]`,
    );
  const db = await resolveDatabaseUrl({ embeddedAllowed: false });
  const orm = await initORM(db.url, { pool: { min: 0, max: 2 } });
  try {
    const result = await exportPersonalData(orm.em.fork(), query, { actor: `cli:${userInfo().username}` });
    const json = `${JSON.stringify(result, null, 2)}\n`;
    if (values.out) {
      writeFileSync(values.out, json, { mode: 0o600 });
      console.error(
        `${result.cases.length} 个案件记录已写入 ${values.out} / ${result.cases.length} case entries written to ${values.out}`,
      );
    } else process.stdout.write(json);
  } finally {
    await orm.close();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
