import type { EntityManager } from '@mikro-orm/postgresql';
import { IdempotencyKey } from '../db/entities';
import { canonicalJson } from '../domain/canonical';
import { sha256Hex } from '../security/credentials';
import { AppError } from './errors';

/** A request counts as abandoned (its process died) when it is in flight for longer than this. */
const IN_FLIGHT_TAKEOVER_MS = 30_000;
/** How long a key and its answer are kept. */
export const IDEMPOTENCY_TTL_HOURS = 24;

export interface IdempotentRequest {
  /** Whose key it is: keys are scoped to the caller. */
  principal: string;
  key: string;
  /** What the request is (method, route, body): the same key for anything else is a 422. */
  request: unknown;
  /** The dispute the first attempt works on (a new id when it creates one). */
  disputeId: string;
  /**
   * The answer the request gives once it has run, when it is known before (the 202 of an async
   * create): stored with the claim, provisionally, so a success needs no second write. A repeat that
   * finds it runs the request again (which must then be idempotent: the start uses USE_EXISTING)
   * and answers what that gives.
   */
  provisional?: Answer;
  /**
   * What must exist for the request to run, read before the claim: without it nothing is claimed
   * and `missing()` is thrown (a request that names what does not exist, or what the caller may not
   * see, is refused, not remembered); with it, `run` gets what `find` found.
   */
  guard?: { find: () => Promise<unknown>; missing: () => Error };
}

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * Runs `run` once per (caller, Idempotency-Key). A repeat with the same request gets the stored answer;
 * while the first is still running, 409; with another request, 422. The answer stored is the
 * success or a client error (4xx) other than a passing "busy, try again" refusal; after that, a
 * server error or a crash the claim stays with its
 * dispute id, so a retry reaches the same workflow instead of creating a second case. A provisional
 * answer (`req.provisional`) is stored with the claim and marked retryable: repeats run again.
 */
export async function idempotently<G = undefined>(
  em: EntityManager,
  req: IdempotentRequest,
  run: (disputeId: string, guarded: G) => Promise<Answer>,
): Promise<Answer> {
  const requestHash = sha256Hex(canonicalJson(req.request));
  const { provisional, guard } = req;
  const guarded = (guard ? await guard.find() : undefined) as G;
  if (guard && guarded == null) throw guard.missing();
  // Claims the key in one round trip: a new key is inserted; an expired one (older than the TTL, not
  // yet purged) is taken over as if new; a live one is left as it is and read below.
  const [claim] = await em.execute<{ dispute_id: string }[]>(
    `insert into idempotency_keys (principal, key, request_hash, dispute_id, response_status, response_body, retryable)
     values (?, ?, ?, ?, ?, ?::jsonb, ?)
     on conflict (principal, key) do update set
       request_hash = excluded.request_hash, dispute_id = excluded.dispute_id, response_status = excluded.response_status,
       response_body = excluded.response_body, retryable = excluded.retryable, created_at = now()
     where idempotency_keys.created_at < now() - interval '${IDEMPOTENCY_TTL_HOURS} hours'
     returning dispute_id`,
    [
      req.principal,
      req.key,
      requestHash,
      req.disputeId,
      provisional?.status ?? null,
      provisional ? JSON.stringify(provisional.body) : null,
      !!provisional,
    ],
  );
  const inserted = !!claim?.dispute_id;
  let disputeId = req.disputeId;
  // Whether the key holds a provisional answer: then a success leaves it as it is.
  let provisionallyAnswered = inserted && !!provisional;
  if (!inserted) {
    const row = await em.fork().findOneOrFail(IdempotencyKey, { principal: req.principal, key: req.key });
    if (row.requestHash !== requestHash) throw new AppError('idempotency_key_reused');
    if (row.responseStatus && !row.retryable) return { status: row.responseStatus, body: row.responseBody };
    provisionallyAnswered = !!row.responseStatus;
    if (!row.retryable && Date.now() - row.createdAt.getTime() < IN_FLIGHT_TAKEOVER_MS)
      throw new AppError('request_in_flight');
    disputeId = row.disputeId;
  }

  const store = (answer: Answer) =>
    em.execute(
      'update idempotency_keys set response_status = ?, response_body = ?, retryable = false where principal = ? and key = ?',
      [answer.status, JSON.stringify(answer.body), req.principal, req.key],
    );
  try {
    const answer = await run(disputeId, guarded);
    if (!provisionallyAnswered) await store(answer);
    return answer;
  } catch (err) {
    if (err instanceof AppError && err.status < 500 && !err.transient) {
      // A refusal is an answer too: the same request gets it again (a new key tries again). Not "busy,
      // try again": the same key must be able to try again (the action was not applied).
      await store({
        status: err.status,
        body: { __problem: true, code: err.code, message: err.message, extra: err.extra },
      });
    } else {
      await em.execute(
        'update idempotency_keys set retryable = true where principal = ? and key = ? and response_status is null',
        [req.principal, req.key],
      );
    }
    throw err;
  }
}

/** Rebuilds a stored refusal as the error it was. */
export function replayed(answer: Answer): unknown {
  const body = answer.body as { __problem?: boolean; code: string; message: string; extra: object } | undefined;
  if (body?.__problem) throw new AppError(body.code as never, body.message, body.extra);
  return body;
}

/** Drops expired keys (run periodically by the API). */
export async function purgeExpiredKeys(em: EntityManager): Promise<number> {
  const rows = await em.execute<{ key: string }[]>(
    `delete from idempotency_keys where created_at < now() - interval '${IDEMPOTENCY_TTL_HOURS} hours' returning key`,
  );
  return rows.length;
}
