/**
 * The installation's key for agreement verification codes (security/verification-code.ts): 32 random
 * bytes that migration 20261206070006 writes once into `settings` (key `agreement-verification-key`).
 * In the database rather than the environment: it belongs with the agreements it vouches for (backed
 * up and restored with them, the same in every API and worker process, nothing to configure or lose),
 * and it is no more secret than the sealed agreements themselves, which print their codes.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export const VERIFICATION_KEY_SETTING = 'agreement-verification-key';

/** One read per database connection pool: the key never changes. */
const cache = new WeakMap<object, Promise<Buffer>>();

async function read(em: EntityManager): Promise<Buffer> {
  const [row] = await em
    .getConnection()
    .execute<Array<{ value: unknown }>>('select value from settings where key = ?', [VERIFICATION_KEY_SETTING]);
  const hex = typeof row?.value === 'string' ? row.value : '';
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`no agreement verification key in settings (${VERIFICATION_KEY_SETTING}): run the migrations`);
  return Buffer.from(hex, 'hex');
}

export function verificationKey(em: EntityManager): Promise<Buffer> {
  const pool = em.getDriver();
  let key = cache.get(pool);
  if (!key) {
    key = read(em);
    // A failed read (the database down for a moment) is not remembered.
    void key.catch(() => cache.delete(pool));
    cache.set(pool, key);
  }
  return key;
}
