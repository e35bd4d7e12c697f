/**
 * Staff sessions (the `sessions` table: one row per token, by its SHA-256): when one is over, and
 * ending them. A session is over when it is revoked (logout; the user's password, role or placement
 * changed; the user deactivated), past its absolute expiry (TOKEN_TTL_SECONDS), idle for longer than
 * SESSION_IDLE_SECONDS, or its user is inactive. Ending sessions NOTIFYs every API process on
 * SESSIONS_CHANNEL so that their open alert streams close at once (plugins/alert-stream.ts); what ends
 * by time alone is found by the streams' periodic re-check.
 */
import type { EntityManager } from '@mikro-orm/postgresql';

export const SESSIONS_CHANNEL = 'fengqiao_sessions_ended';
export const DEFAULT_SESSION_IDLE_SECONDS = 1800;

/** What NOTIFY carries on SESSIONS_CHANNEL: one session (by token hash), or every session of a user. */
export type SessionsEnded = { session: string } | { userId: string };

export interface SessionRow {
  expires_at: Date | string;
  revoked_at: Date | string | null;
  last_seen_at: Date | string;
  active: boolean;
}

/** Whether a session (joined with its user's `active`) is over at `now`. */
export function sessionOver(row: SessionRow, idleSeconds: number, now = Date.now()): boolean {
  return (
    !!row.revoked_at ||
    !row.active ||
    new Date(row.expires_at).getTime() <= now ||
    new Date(row.last_seen_at).getTime() + idleSeconds * 1000 <= now
  );
}

/**
 * How stale `last_seen_at` may get before a request writes it again: a write per request would be
 * wasteful, and the idle timeout is then late by at most this much.
 */
export const touchIntervalMs = (idleSeconds: number): number => Math.min(60_000, (idleSeconds * 1000) / 10);

/**
 * Revokes one session or every open session of a user, and tells every API process (in the same
 * statement: the notification goes out when the revocation commits). Returns how many ended.
 */
export async function endSessions(em: EntityManager, which: SessionsEnded): Promise<number> {
  const [column, value] = 'session' in which ? ['token_hash', which.session] : ['user_id', which.userId];
  const rows = await em.getConnection().execute<Array<{ ended: number }>>(
    `with ended as (update sessions set revoked_at = now() where ${column} = ? and revoked_at is null returning 1)
     select count(*)::int as ended, pg_notify(?, ?) from ended having count(*) > 0`,
    [value, SESSIONS_CHANNEL, JSON.stringify(which)],
  );
  return rows[0]?.ended ?? 0;
}

/** Parses a SESSIONS_CHANNEL payload (anything else: undefined). */
export function parseSessionsEnded(payload: string | undefined): SessionsEnded | undefined {
  try {
    const v = JSON.parse(payload ?? '') as Record<string, unknown>;
    if (typeof v.session === 'string') return { session: v.session };
    if (typeof v.userId === 'string') return { userId: v.userId };
  } catch {
    // not ours
  }
  return undefined;
}

/**
 * Drops sessions that ended (revoked, expired or idle) more than `graceSeconds` ago: housekeeping.
 * Returns how many.
 */
export async function purgeSessions(em: EntityManager, idleSeconds: number, graceSeconds = 3600): Promise<number> {
  const res = await em.getConnection().execute(
    `delete from sessions
      where revoked_at < now() - make_interval(secs => ?) or expires_at < now() - make_interval(secs => ?)
         or last_seen_at < now() - make_interval(secs => ?)`,
    [graceSeconds, graceSeconds, idleSeconds + graceSeconds],
    'run',
  );
  return (res as { affectedRows?: number }).affectedRows ?? 0;
}
