/**
 * `npm run admin:create -- <username> [display name]`: the first administrator of a system that
 * runs without demo data (NODE_ENV=production). Applies pending migrations, then creates the
 * account; an existing username is refused, never changed. The password is ADMIN_PASSWORD (at least
 * 12 characters), or a random one printed once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveDatabaseUrl } from '../db/database';
import { User } from '../db/entities';
import { initORM, migrate } from '../db/orm';
import { hashPassword } from '../security/credentials';

const USERNAME = /^[a-z0-9][a-z0-9@._-]{2,63}$/;

export async function createAdmin(
  em: EntityManager,
  opts: { username: string; displayName?: string; password?: string },
): Promise<{ generatedPassword?: string }> {
  if (!USERNAME.test(opts.username)) {
    throw new Error(`用户名“${opts.username}”无效：3–64 位小写字母、数字或 @._- / invalid username`);
  }
  if (opts.password !== undefined && opts.password.length < 12) {
    throw new Error('ADMIN_PASSWORD 至少 12 个字符 / ADMIN_PASSWORD must be at least 12 characters');
  }
  if (await em.findOne(User, { username: opts.username })) {
    throw new Error(`用户 ${opts.username} 已存在，未作任何改动 / user ${opts.username} exists: nothing changed`);
  }
  const password = opts.password ?? randomBytes(18).toString('base64url');
  em.persist(
    em.create(User, {
      id: `u-${randomUUID()}`,
      username: opts.username,
      displayName: opts.displayName ?? '系统管理员',
      role: 'admin',
      passwordHash: await hashPassword(password),
      active: true,
      createdAt: new Date(),
    }),
  );
  await em.flush();
  return opts.password === undefined ? { generatedPassword: password } : {};
}

if (require.main === module) {
  (async () => {
    const [username, displayName] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
    if (!username) throw new Error('用法 / usage: npm run admin:create -- <username> [display name]');
    const db = await resolveDatabaseUrl({ embeddedAllowed: false });
    const orm = await initORM(db.url);
    try {
      await migrate(orm);
      const made = await createAdmin(orm.em.fork(), {
        username,
        displayName,
        password: process.env.ADMIN_PASSWORD || undefined,
      });
      console.log(`管理员 ${username} 已创建 / administrator ${username} created`);
      if (made.generatedPassword)
        console.log(`初始密码（只显示这一次）/ password (shown once): ${made.generatedPassword}`);
    } finally {
      await orm.close();
      await db.close();
    }
  })().catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
