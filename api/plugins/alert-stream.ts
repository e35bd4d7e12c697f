/**
 * Live alerts for this API process: ONE dedicated PostgreSQL connection (not from the ORM's pool)
 * LISTENs on the channel `raiseAlert` NOTIFYs on, and fans each new alert out to the subscribers
 * (the open `GET /api/v1/alerts/stream` responses). Every API process holds its own listener, so
 * every process sees every alert, whichever worker raised it.
 *
 * If the connection drops it reconnects with exponential backoff and, once listening again,
 * catches up from the alerts table on what was raised meanwhile (ids above the last one seen), so
 * subscribers miss nothing and see nothing twice. The same catch-up runs every `sweepMs` on the
 * listening connection, as its health check and as a safety net.
 *
 * A stream lives only as long as its staff session (stream-sessions.ts): the same connection LISTENs
 * on the channel ended sessions are NOTIFYed on (api/sessions.ts) and closes their streams at once;
 * sessions that end by time are found by a re-check every `sessionCheckMs`.
 *
 * The same connection LISTENs on `dispute_changed` (a trigger on the read model's `disputes` rows,
 * Migration202612062701): each write of a case's row is passed to the case subscribers (the inbox's
 * `GET /api/v1/disputes/changes`), which filter by who may see the case. A change is a hint to reload,
 * not a record: what was written while the connection was down is not replayed (a reconnecting page
 * reloads its list anyway).
 *
 * Limitation: the embedded PGlite of `npm start` serves every connection from ONE session, so a
 * notification reaches the connection that committed it, not this one; there live alerts arrive
 * through the periodic catch-up only (within `sweepMs`), and ended sessions close their streams at
 * the re-check (within `sessionCheckMs`).
 */
import fp from 'fastify-plugin';
import { Client } from 'pg';
import { sessionConnection } from '../../db/connection-options';
import { ALERTS_CHANNEL, type AlertNotification } from '../../activities/alerts';
import { DEFAULT_SESSION_IDLE_SECONDS, SESSIONS_CHANNEL, parseSessionsEnded } from '../sessions';
import { StreamSessions, type SessionStream } from './stream-sessions';

export type LiveAlert = AlertNotification;

export interface AlertSubscriber extends SessionStream {
  /** Called for every new alert (all of them: the subscriber filters). Must not throw. */
  deliver(alert: LiveAlert): void;
  /** Called when the API closes, or the subscriber's session ends: end the response. */
  close(reason: 'shutdown' | 'session_ended'): void;
}

/** A case's read-model row was written: which case, at which event, and where it is. */
export interface CaseChange {
  id: string;
  seq: number;
  stage: string;
  unitPath: string | null;
  originPath: string;
  createdById: string;
}

export interface CaseChangeSubscriber extends SessionStream {
  /** Called for every change (the subscriber filters by who may see the case). Must not throw. */
  deliver(change: CaseChange): void;
  close(reason: 'shutdown' | 'session_ended'): void;
}

export const CASES_CHANNEL = 'dispute_changed';

export interface AlertStream {
  /**
   * Registers a subscriber; the returned function removes it. A subscriber with a `session` counts
   * against that session's cap of streams (over it: throws a 429 AppError) and is closed when the
   * session ends.
   */
  subscribe(subscriber: AlertSubscriber): () => void;
  /** The same for changes of cases (counted against the same cap of streams per session). */
  subscribeCases(subscriber: CaseChangeSubscriber): () => void;
  /** For /readyz-style checks and tests. */
  status(): { listening: boolean; backendPid?: number; subscribers: number; reconnects: number };
}

declare module 'fastify' {
  interface FastifyInstance {
    alertStream: AlertStream;
  }
}

export interface AlertStreamOptions {
  /**
   * The listener's session-mode connection (TLS parameters honoured, db/connection-options.ts): this URL, else
   * DATABASE_LISTEN_URL, else the ORM's own server and TLS. LISTEN needs a session of its own: behind PgBouncer in
   * transaction mode, point DATABASE_LISTEN_URL past the pooler (or at a session-mode pool).
   */
  connectionString?: string;
  /** First reconnect delay (ms), doubled up to `maxBackoffMs`. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /**
   * How often (ms) the listening connection also reads the alerts table for ids above the last one
   * seen: a health check of the connection (a dead one is replaced) and a safety net for a
   * notification that never arrived. Default 10 s; 0 turns it off.
   */
  sweepMs?: number;
  /** Open streams per session (ALERT_STREAMS_PER_SESSION, default 3). */
  streamsPerSession?: number;
  /** SESSION_IDLE_SECONDS, for the re-check of the streams' sessions. */
  sessionIdleSeconds?: number;
  /** How often (ms) the sessions of open streams are re-checked (default 5 s). */
  sessionCheckMs?: number;
}

/** Alerts raised while the connection was down are caught up in pages of this size. */
const CATCH_UP_PAGE = 500;
/** How many recent ids are remembered to drop a live alert the catch-up already delivered. */
const RECENT_IDS = 2000;

export default fp<AlertStreamOptions>(
  async (app, opts) => {
    const connection = sessionConnection(opts.connectionString ?? process.env.DATABASE_LISTEN_URL, app.orm);
    const minBackoff = opts.minBackoffMs ?? 250;
    const maxBackoff = opts.maxBackoffMs ?? 30_000;
    const sweepMs = opts.sweepMs ?? 10_000;
    const log = app.log.child({ component: 'alert-stream' });
    const sessions = new StreamSessions(
      app.orm,
      {
        perSession: opts.streamsPerSession ?? 3,
        idleSeconds: opts.sessionIdleSeconds ?? DEFAULT_SESSION_IDLE_SECONDS,
        checkMs: opts.sessionCheckMs ?? 5000,
      },
      log,
    );

    const subscribers = new Set<AlertSubscriber>();
    const caseSubscribers = new Set<CaseChangeSubscriber>();
    const recent = new Set<string>();
    let client: Client | undefined;
    let listening = false;
    let backendPid: number | undefined;
    let closing = false;
    let attempt = 0;
    let reconnects = 0;
    let retryTimer: NodeJS.Timeout | undefined;
    let sweepTimer: NodeJS.Timeout | undefined;
    /** The highest alert id this process has seen. */
    let lastSeenId: bigint | undefined;

    function dispatch(alert: LiveAlert): void {
      if (recent.has(alert.id)) return;
      recent.add(alert.id);
      if (recent.size > RECENT_IDS) recent.delete(recent.values().next().value!);
      const id = BigInt(alert.id);
      if (lastSeenId === undefined || id > lastSeenId) lastSeenId = id;
      for (const s of subscribers) {
        try {
          s.deliver(alert);
        } catch (err) {
          log.warn({ err }, 'alert subscriber failed');
        }
      }
    }

    function parse(payload: string | undefined): LiveAlert | undefined {
      try {
        const a = JSON.parse(payload ?? '') as Partial<LiveAlert>;
        if (typeof a.id !== 'string' || !/^\d+$/.test(a.id) || typeof a.unitPath !== 'string') return undefined;
        return {
          id: a.id,
          disputeId: String(a.disputeId),
          caseNumber: a.caseNumber ?? null,
          kind: a.kind!,
          unitCode: String(a.unitCode),
          unitPath: a.unitPath,
          message: String(a.message),
          raisedAt: new Date(String(a.raisedAt)).toISOString(),
        };
      } catch {
        return undefined;
      }
    }

    /** After (re)connecting: the baseline on the first connection, else what was raised while down. */
    async function catchUp(c: Client): Promise<void> {
      if (lastSeenId === undefined) {
        const { rows } = await c.query<{ max: string }>('select coalesce(max(id), 0)::text as max from alerts');
        // A notification may have arrived meanwhile: keep the higher of the two.
        const max = BigInt(rows[0]!.max);
        if (lastSeenId === undefined || max > lastSeenId) lastSeenId = max;
        return;
      }
      for (;;) {
        const after: bigint = lastSeenId;
        const { rows } = await c.query<Record<string, unknown>>(
          `select id::text as id, dispute_id, case_number, kind, unit_code, unit_path, message, raised_at
             from alerts where id > $1 order by id limit ${CATCH_UP_PAGE}`,
          [after.toString()],
        );
        for (const r of rows) {
          dispatch({
            id: r.id as string,
            disputeId: r.dispute_id as string,
            caseNumber: (r.case_number as string | null) ?? null,
            kind: r.kind as LiveAlert['kind'],
            unitCode: r.unit_code as string,
            unitPath: r.unit_path as string,
            message: r.message as string,
            raisedAt: new Date(r.raised_at as string).toISOString(),
          });
        }
        if (rows.length < CATCH_UP_PAGE || closing || client !== c) return;
        if (lastSeenId === after) return; // all were duplicates: no progress possible
      }
    }

    function scheduleReconnect(): void {
      if (closing || retryTimer) return;
      const delay = Math.min(maxBackoff, minBackoff * 2 ** Math.min(attempt, 16));
      attempt++;
      retryTimer = setTimeout(() => {
        retryTimer = undefined;
        void connect();
      }, delay);
      retryTimer.unref();
    }

    function sweep(c: Client): void {
      if (!sweepMs) return;
      sweepTimer = setTimeout(() => {
        sweepTimer = undefined;
        if (client !== c || !listening) return;
        catchUp(c).then(
          () => sweep(c),
          (err: Error) => lost(c, err),
        );
      }, sweepMs);
      sweepTimer.unref();
    }

    function lost(c: Client, err?: Error): void {
      if (client !== c) return; // already handled
      client = undefined;
      listening = false;
      backendPid = undefined;
      if (sweepTimer) clearTimeout(sweepTimer);
      sweepTimer = undefined;
      c.removeAllListeners('notification');
      c.end().catch(() => undefined);
      if (closing) return;
      log.warn({ err }, 'alert listener connection lost; reconnecting');
      reconnects++;
      scheduleReconnect();
    }

    async function connect(): Promise<void> {
      if (closing) return;
      const c = new Client({
        ...connection,
        application_name: 'fengqiao-alert-stream',
        connectionTimeoutMillis: 10_000,
        keepAlive: true,
        keepAliveInitialDelayMillis: 10_000,
        // A connection that stopped answering (no error, no end) fails its next sweep after this long,
        // and is replaced; until then /readyz would believe it listens (TCP keep-alive takes minutes).
        query_timeout: 15_000,
      });
      client = c;
      // Registered before connect: an unhandled 'error' would crash the process.
      c.on('error', (err) => lost(c, err));
      c.on('end', () => lost(c));
      c.on('notification', (msg) => {
        if (msg.channel === SESSIONS_CHANNEL) {
          const ended = parseSessionsEnded(msg.payload);
          if (ended) sessions.ended(ended);
          return;
        }
        if (msg.channel === CASES_CHANNEL) {
          const change = parseChange(msg.payload);
          for (const s of change ? caseSubscribers : []) {
            try {
              s.deliver(change!);
            } catch (err) {
              log.warn({ err }, 'case change subscriber failed');
            }
          }
          return;
        }
        if (msg.channel !== ALERTS_CHANNEL) return;
        const alert = parse(msg.payload);
        if (alert) dispatch(alert);
        else log.warn({ payload: msg.payload }, 'malformed alert notification ignored');
      });
      try {
        await c.connect();
        await c.query(`listen ${ALERTS_CHANNEL}`);
        await c.query(`listen ${SESSIONS_CHANNEL}`);
        await c.query(`listen ${CASES_CHANNEL}`);
        const { rows } = await c.query<{ pid: number }>('select pg_backend_pid() as pid');
        if (client !== c) return; // lost (or closing) meanwhile
        backendPid = rows[0]?.pid;
        listening = true;
        attempt = 0;
        await catchUp(c);
        if (client !== c) return;
        sweep(c);
        log.debug({ backendPid }, 'listening for alerts');
      } catch (err) {
        if (client !== c) return; // 'error'/'end' already scheduled the reconnect
        lost(c, err as Error);
      }
    }

    app.decorate<AlertStream>('alertStream', {
      subscribe(subscriber) {
        sessions.admit(subscriber);
        subscribers.add(subscriber);
        return () => {
          subscribers.delete(subscriber);
          sessions.release(subscriber);
        };
      },
      subscribeCases(subscriber) {
        sessions.admit(subscriber);
        caseSubscribers.add(subscriber);
        return () => {
          caseSubscribers.delete(subscriber);
          sessions.release(subscriber);
        };
      },
      status: () => ({ listening, backendPid, subscribers: subscribers.size, reconnects }),
    });

    // Listen once the app is ready (a failed first attempt is retried; it does not stop the API).
    app.addHook('onReady', async () => {
      await connect();
    });

    function endSubscribers(): void {
      for (const s of [...subscribers, ...caseSubscribers]) {
        subscribers.delete(s as AlertSubscriber);
        caseSubscribers.delete(s as CaseChangeSubscriber);
        sessions.release(s);
        try {
          s.close('shutdown');
        } catch {
          // the response is gone already
        }
      }
    }

    // Open streams keep their HTTP connections busy: end them before the server waits for those.
    app.addHook('preClose', async () => {
      closing = true;
      endSubscribers();
    });
    app.addHook('onClose', async () => {
      closing = true;
      sessions.stop();
      if (retryTimer) clearTimeout(retryTimer);
      if (sweepTimer) clearTimeout(sweepTimer);
      retryTimer = sweepTimer = undefined;
      endSubscribers();
      const c = client;
      client = undefined;
      listening = false;
      if (c) {
        c.removeAllListeners('notification');
        await c.end().catch(() => undefined);
      }
    });
  },
  { name: 'alert-stream', dependencies: ['orm'] },
);

/** A `dispute_changed` payload, else undefined. */
function parseChange(payload: string | undefined): CaseChange | undefined {
  try {
    const c = JSON.parse(payload ?? '') as Partial<CaseChange>;
    if (typeof c.id !== 'string' || typeof c.originPath !== 'string') return undefined;
    return {
      id: c.id,
      seq: Number(c.seq),
      stage: String(c.stage),
      unitPath: typeof c.unitPath === 'string' ? c.unitPath : null,
      originPath: c.originPath,
      createdById: String(c.createdById),
    };
  } catch {
    return undefined;
  }
}
