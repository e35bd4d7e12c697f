/**
 * Links sent to the parties (in notices): stateless tokens, `<base64url(claim)>.<base64url(HMAC)>`,
 * signed with the installation's party secret (settings `party-link-secret`, written once by migration
 * 202612062301, kept in the database for the reasons db/verification-key.ts gives). A 'case' link opens
 * the party's page; a 'sign' link opens the agreement to sign (H4). Nothing about the party is in
 * the token but the case's id and the party's index.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

export const PARTY_LINK_SETTING = 'party-link-secret';

export interface PartyLinkClaim {
  disputeId: string;
  partyIndex: number;
  purpose: 'case' | 'sign';
  expiresAt: Date;
  round?: number;
}

/** How long a link stays good: a case link for the life of a case, a signing link for a week. */
export const LINK_TTL_MS: Record<PartyLinkClaim['purpose'], number> = {
  case: 180 * 24 * 3600_000,
  sign: 7 * 24 * 3600_000,
};

const MAX_TOKEN_LENGTH = 512;

function mac(secret: Buffer, body: string): Buffer {
  return createHmac('sha256', secret).update(`party-link\0${body}`).digest();
}

export function partyLinkToken(secret: Buffer, claim: PartyLinkClaim): string {
  const compact: Record<string, unknown> = {
    d: claim.disputeId,
    i: claim.partyIndex,
    p: claim.purpose,
    e: Math.floor(claim.expiresAt.getTime() / 1000),
  };
  if (claim.round !== undefined) compact.r = claim.round;
  const body = Buffer.from(JSON.stringify(compact), 'utf8').toString('base64url');
  return `${body}.${mac(secret, body).toString('base64url')}`;
}

export function readPartyLinkToken(secret: Buffer, token: string, now: Date = new Date()): PartyLinkClaim | undefined {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) return undefined;
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return undefined;
  const body = m[1] as string;
  const sig = m[2] as string;
  const expected = mac(secret, body);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (
    typeof v.d !== 'string' ||
    !Number.isInteger(v.i) ||
    (v.i as number) < 0 ||
    (v.p !== 'case' && v.p !== 'sign') ||
    !Number.isInteger(v.e) ||
    (v.r !== undefined && !Number.isInteger(v.r))
  )
    return undefined;
  const expiresAt = new Date((v.e as number) * 1000);
  if (expiresAt.getTime() <= now.getTime()) return undefined;
  const claim: PartyLinkClaim = { disputeId: v.d, partyIndex: v.i as number, purpose: v.p, expiresAt };
  if (v.r !== undefined) claim.round = v.r as number;
  return claim;
}

/** One read per connection pool: the secret never changes. */
const cache = new WeakMap<object, Promise<Buffer>>();

async function read(em: EntityManager): Promise<Buffer> {
  const [row] = await em
    .getConnection()
    .execute<Array<{ value: unknown }>>('select value from settings where key = ?', [PARTY_LINK_SETTING]);
  const hex = typeof row?.value === 'string' ? row.value : '';
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new Error(`no party link secret in settings (${PARTY_LINK_SETTING}): run the migrations`);
  return Buffer.from(hex, 'hex');
}

export function partyLinkSecret(em: EntityManager): Promise<Buffer> {
  const pool = em.getDriver();
  let secret = cache.get(pool);
  if (!secret) {
    secret = read(em);
    void secret.catch(() => cache.delete(pool));
    cache.set(pool, secret);
  }
  return secret;
}

export function partyLinkUrl(publicUrl: string, claim: PartyLinkClaim, token: string): string {
  const base = publicUrl.replace(/\/+$/, '');
  return claim.purpose === 'sign' ? `${base}/p/sign/${token}` : `${base}/p/${token}`;
}

/** A signed link for a party, with the purpose's expiry: the URL, the token and the claim. */
export async function linkFor(
  em: EntityManager,
  publicUrl: string,
  claim: Omit<PartyLinkClaim, 'expiresAt'>,
  now: Date = new Date(),
): Promise<{ url: string; token: string; claim: PartyLinkClaim }> {
  const full: PartyLinkClaim = { ...claim, expiresAt: new Date(now.getTime() + LINK_TTL_MS[claim.purpose]) };
  const token = partyLinkToken(await partyLinkSecret(em), full);
  return { url: partyLinkUrl(publicUrl, full, token), token, claim: full };
}
