/**
 * Per-account lockout with backoff. After `attempts` wrong passwords in a row an account is locked
 * for `seconds`, then twice as long at each further lockout, up to `maxSeconds`; a correct password
 * while locked is refused like a wrong one. A successful login clears the count and the backoff; an
 * admin lifts a lockout with POST /api/v1/admin/users/{id}/unlock. Attempts during a lockout are not
 * counted (they cannot lengthen it).
 *
 * The login route answers a locked account exactly as it answers a wrong password or an unknown
 * username (same status, body and work: the password is verified all the same), so a lockout tells an
 * attacker nothing about which usernames exist.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export interface LockoutPolicy {
  attempts: number;
  seconds: number;
  maxSeconds: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { attempts: 5, seconds: 60, maxSeconds: 3600 };

/** Whether the account is locked at `now`. */
export const lockedNow = (user: { lockedUntil?: Date | null }, now = Date.now()): boolean =>
  !!user.lockedUntil && user.lockedUntil.getTime() > now;

/**
 * Counts a failed login for `username` (run for unknown usernames too: it then changes nothing, and
 * the answer costs the same). In one statement, so concurrent attempts each count.
 */
export async function recordFailedLogin(em: EntityManager, username: string, policy: LockoutPolicy): Promise<void> {
  await em.getConnection().execute(
    `update users set
       failed_logins = case when failed_logins + 1 >= ? then 0 else failed_logins + 1 end,
       lockouts = case when failed_logins + 1 >= ? then lockouts + 1 else lockouts end,
       locked_until = case when failed_logins + 1 >= ?
                           then now() + make_interval(secs => least(? * power(2, least(lockouts, 30)), ?))
                           else locked_until end
     where username = ? and active and (locked_until is null or locked_until <= now())`,
    [policy.attempts, policy.attempts, policy.attempts, policy.seconds, policy.maxSeconds, username],
    'run',
  );
}

/** A successful login: the count and the backoff start again. */
export async function recordSuccessfulLogin(em: EntityManager, userId: string): Promise<void> {
  await em.getConnection().execute(
    `update users set failed_logins = 0, lockouts = 0, locked_until = null
        where id = ? and (failed_logins <> 0 or lockouts <> 0 or locked_until is not null)`,
    [userId],
    'run',
  );
}

/** An admin lifts a lockout (and its backoff). Whether the user exists. */
export async function unlockAccount(em: EntityManager, userId: string): Promise<boolean> {
  const res = await em
    .getConnection()
    .execute(`update users set failed_logins = 0, lockouts = 0, locked_until = null where id = ?`, [userId], 'run');
  return ((res as { affectedRows?: number }).affectedRows ?? 0) > 0;
}
