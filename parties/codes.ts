/**
 * One-time codes sent to a party's phone on file: to open the party's page ('access') or to confirm
 * an electronic signature ('sign'). Six digits (crypto.randomInt), valid 5 minutes, kept only as an
 * HMAC-SHA256 under the installation's party secret (parties/links.ts) bound to the code's reference,
 * single use (an atomic update marks it used), locked after 5 wrong tries, and at most 1 per minute
 * and 5 per hour per (case, party, purpose).
 */
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { maskPhone } from '../security/pii';
import { partyLinkSecret } from './links';

export type CodePurpose = 'access' | 'sign';

export interface IssuedCode {
  codeRef: string;
  code: string;
  expiresAt: Date;
}

export type CodeRefusal = 'rate_limited' | 'expired' | 'used' | 'wrong' | 'locked';

export class CodeRefused extends Error {
  constructor(
    readonly reason: CodeRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'CodeRefused';
  }
}

export const CODE_TTL_MS = 5 * 60_000;
export const CODE_MIN_INTERVAL_MS = 60_000;
export const CODES_PER_HOUR = 5;
export const CODE_MAX_ATTEMPTS = 5;

const MESSAGES: Record<CodeRefusal, string> = {
  rate_limited: '验证码发送过于频繁，请稍后再试 / Too many codes requested: try again later',
  expired: '验证码已过期，请重新获取 / The code has expired: request a new one',
  used: '验证码已使用，请重新获取 / The code has already been used: request a new one',
  wrong: '验证码不正确 / The code is not correct',
  locked: '错误次数过多，验证码已失效，请重新获取 / Too many wrong tries: request a new code',
};

export function codeRefused(reason: CodeRefusal): CodeRefused {
  return new CodeRefused(reason, MESSAGES[reason]);
}

/** The text of the SMS carrying a code. */
export function codeSmsText(code: string): string {
  return `【枫桥调解】验证码${code}，5分钟内有效。请勿告诉他人。`;
}

function codeHash(secret: Buffer, codeRef: string, code: string): string {
  return createHmac('sha256', secret).update(`party-code\0${codeRef}\0${code}`).digest('hex');
}

interface Row {
  code_ref: string;
  code_hash: string;
  expires_at: Date | string;
  attempts: number;
  used_at: Date | string | null;
  locked_at: Date | string | null;
}

export async function issueCode(
  em: EntityManager,
  req: { purpose: CodePurpose; disputeId: string; partyIndex: number; phone: string; now?: Date },
): Promise<IssuedCode> {
  const now = req.now ?? new Date();
  const secret = await partyLinkSecret(em);
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const codeRef = `pc_${randomUUID().replace(/-/g, '')}`;
  const expiresAt = new Date(now.getTime() + CODE_TTL_MS);
  // One transaction, serialized per (case, party, purpose) by an advisory lock, so that two requests
  // at once cannot both pass the limits.
  const issued = await em.transactional(async (tem) => {
    const lockKey = `party-code:${req.disputeId}:${req.partyIndex}:${req.purpose}`;
    await tem.execute('select pg_advisory_xact_lock(hashtext(?))', [lockKey]);
    const [counts] = await tem.execute<Array<{ last_hour: number; last_minute: number }>>(
      `select count(*) filter (where created_at > ?::timestamptz - interval '1 hour')::int as last_hour,
              count(*) filter (where created_at > ?::timestamptz - make_interval(secs => ?))::int as last_minute
         from party_codes where dispute_id = ? and party_index = ? and purpose = ? and created_at <= ?::timestamptz`,
      [now, now, CODE_MIN_INTERVAL_MS / 1000, req.disputeId, req.partyIndex, req.purpose, now],
    );
    if ((counts?.last_minute ?? 0) > 0 || (counts?.last_hour ?? 0) >= CODES_PER_HOUR) return false;
    await tem.execute(
      `insert into party_codes (code_ref, dispute_id, party_index, purpose, code_hash, phone_masked, expires_at, attempts, created_at)
       values (?, ?, ?, ?, ?, ?, ?, 0, ?)`,
      [
        codeRef,
        req.disputeId,
        req.partyIndex,
        req.purpose,
        codeHash(secret, codeRef, code),
        maskPhone(req.phone).slice(0, 32),
        expiresAt,
        now,
      ],
    );
    return true;
  });
  if (!issued) throw codeRefused('rate_limited');
  return { codeRef, code, expiresAt };
}

/**
 * Checks a code against the latest one issued for (case, party, purpose), and uses it up. Refused:
 * 'expired', 'used', 'locked' (5 wrong tries), 'wrong'.
 */
export async function verifyCode(
  em: EntityManager,
  req: { purpose: CodePurpose; disputeId: string; partyIndex: number; code: string; now?: Date },
): Promise<{ codeRef: string }> {
  const now = req.now ?? new Date();
  const secret = await partyLinkSecret(em);
  const conn = em.getConnection();
  const [row] = await conn.execute<Row[]>(
    `select code_ref, code_hash, expires_at, attempts, used_at, locked_at from party_codes
      where dispute_id = ? and party_index = ? and purpose = ? and created_at <= ?::timestamptz
      order by created_at desc limit 1`,
    [req.disputeId, req.partyIndex, req.purpose, now],
  );
  if (!row) throw codeRefused('wrong');
  if (row.used_at) throw codeRefused('used');
  if (row.locked_at || row.attempts >= CODE_MAX_ATTEMPTS) throw codeRefused('locked');
  if (new Date(row.expires_at).getTime() <= now.getTime()) throw codeRefused('expired');
  const given = /^[0-9]{6}$/.test(req.code.trim()) ? req.code.trim() : '';
  const expected = Buffer.from(row.code_hash, 'hex');
  const actual = Buffer.from(codeHash(secret, row.code_ref, given), 'hex');
  const right = given !== '' && expected.length === actual.length && timingSafeEqual(expected, actual);
  if (!right) {
    // Counted atomically: concurrent wrong tries all count, the fifth locks.
    const [after] = await conn.execute<Array<{ attempts: number }>>(
      `update party_codes set attempts = attempts + 1,
              locked_at = case when attempts + 1 >= ? then ?::timestamptz else locked_at end
        where code_ref = ? returning attempts`,
      [CODE_MAX_ATTEMPTS, now, row.code_ref],
    );
    throw codeRefused((after?.attempts ?? CODE_MAX_ATTEMPTS) >= CODE_MAX_ATTEMPTS ? 'locked' : 'wrong');
  }
  // Single use: only one of two concurrent right answers wins the update.
  const used = await conn.execute<Array<{ code_ref: string }>>(
    `update party_codes set used_at = ?::timestamptz
      where code_ref = ? and used_at is null and locked_at is null and expires_at > ?::timestamptz returning code_ref`,
    [now, row.code_ref, now],
  );
  if (used.length !== 1) throw codeRefused('used');
  return { codeRef: row.code_ref };
}
