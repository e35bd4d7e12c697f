/**
 * The sessions behind this process's open alert streams: a stream lives only as long as its session.
 * - a cap of streams per session (one more is a 429);
 * - a session ended on purpose (logout; the user's password, role or placement changed; the user
 *   deactivated), in any API process, closes its streams at once: api/sessions.ts NOTIFYs it and the
 *   alert stream's listener passes it here;
 * - a session that ends by time (its expiry, the idle timeout), or a notification that was missed
 *   (the listener reconnecting), is found by a re-check of every stream's session every `checkMs`
 *   (5 s by default), one query for all of them.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../errors';
import { sessionOver, type SessionRow, type SessionsEnded } from '../sessions';

/** A stream as this registry sees it. */
export interface SessionStream {
  session?: { hash: string; userId: string };
  /** Ends the stream (the session is over). */
  close(reason: 'session_ended'): void;
}

export interface StreamSessionsOptions {
  perSession: number;
  idleSeconds: number;
  checkMs: number;
}

export class StreamSessions {
  private readonly bySession = new Map<string, Set<SessionStream>>();
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private stopped = false;

  constructor(
    private readonly orm: MikroORM,
    private readonly opts: StreamSessionsOptions,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Counts a new stream against its session's cap; a 429 when the session has as many open as allowed. */
  admit(stream: SessionStream): void {
    if (!stream.session) return;
    const open = this.bySession.get(stream.session.hash) ?? new Set<SessionStream>();
    if (open.size >= this.opts.perSession) {
      const refused = new AppError(
        'rate_limited',
        `本次登录已打开 ${open.size} 个告警推送，请先关闭其他页面 / this session already has ${open.size} alert streams open (at most ${this.opts.perSession}): close one first`,
      );
      refused.transient = true;
      throw refused;
    }
    open.add(stream);
    this.bySession.set(stream.session.hash, open);
    this.schedule();
  }

  release(stream: SessionStream): void {
    if (!stream.session) return;
    const open = this.bySession.get(stream.session.hash);
    open?.delete(stream);
    if (open && open.size === 0) this.bySession.delete(stream.session.hash);
  }

  /** A notification from any API process: close the streams of that session, or of every session of that user. */
  ended(notice: SessionsEnded): void {
    for (const [hash, open] of [...this.bySession]) {
      for (const stream of [...open]) {
        if ('session' in notice ? hash === notice.session : stream.session?.userId === notice.userId) {
          this.close(stream);
        }
      }
    }
  }

  /** Re-reads every open stream's session and closes the streams of those that are over. */
  async check(): Promise<void> {
    const hashes = [...this.bySession.keys()];
    if (hashes.length === 0) return;
    const rows = await this.orm.em
      .fork()
      .getConnection()
      .execute<Array<SessionRow & { token_hash: string }>>(
        `select s.token_hash, s.expires_at, s.revoked_at, s.last_seen_at, u.active
           from sessions s join users u on u.id = s.user_id where s.token_hash in (?)`,
        [hashes],
      );
    const live = new Set(rows.filter((r) => !sessionOver(r, this.opts.idleSeconds)).map((r) => r.token_hash));
    for (const hash of hashes) {
      if (live.has(hash)) continue;
      for (const stream of [...(this.bySession.get(hash) ?? [])]) this.close(stream);
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private close(stream: SessionStream): void {
    this.release(stream);
    try {
      stream.close('session_ended');
    } catch (err) {
      this.log.warn({ err }, 'closing an alert stream failed');
    }
  }

  /** Re-checks every `checkMs` while there are streams. */
  private schedule(): void {
    if (this.timer || this.checking || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.checking = true;
      this.check()
        .catch((err: unknown) => this.log.warn({ err }, 're-checking the sessions of alert streams failed'))
        .finally(() => {
          this.checking = false;
          if (this.bySession.size > 0) this.schedule();
        });
    }, this.opts.checkMs);
    this.timer.unref();
  }
}
