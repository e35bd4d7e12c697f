/**
 * The party's session on its page, after a link from a notice or a one-time code: a cookie
 * `fq_party` = `<base64url(claim)>.<HMAC>` signed with the installation's party secret, holding the
 * case, the party's index, and two times: when the session began (absolute limit 12 h) and when it was
 * last used (30 minutes idle ends it). Each request that uses it writes it again with the new time.
 * Stateless on purpose (no table): a party session grants only this party's page of this one case,
 * and a new link or code is needed after it lapses. HttpOnly, SameSite=Lax (the link in an SMS is a
 * top-level navigation), Secure when served over TLS or PUBLIC_URL is https.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor, DisputeView } from '../domain/types';
import { Dispute } from '../db/entities';
import { partyLinkSecret } from '../parties/links';
import { parseCookies } from '../security/session-cookie';
import { servedSecurely } from './plugins/edge';

export const PARTY_COOKIE = 'fq_party';
export const PARTY_IDLE_SECONDS = 30 * 60;
export const PARTY_MAX_SECONDS = 12 * 3600;

export interface PartySession {
  disputeId: string;
  partyIndex: number;
}

interface Claim extends PartySession {
  startedAt: number;
  seenAt: number;
}

function sign(secret: Buffer, body: string): string {
  return createHmac('sha256', secret).update(`party-session\0${body}`).digest('base64url');
}

function encode(secret: Buffer, claim: Claim): string {
  const body = Buffer.from(
    JSON.stringify({ d: claim.disputeId, i: claim.partyIndex, s: claim.startedAt, t: claim.seenAt }),
  ).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

function decode(secret: Buffer, value: string | undefined, nowSec: number): Claim | undefined {
  if (!value || value.length > 512) return undefined;
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!m) return undefined;
  const body = m[1] as string;
  const want = Buffer.from(sign(secret, body));
  const got = Buffer.from(m[2] as string);
  if (want.length !== got.length || !timingSafeEqual(want, got)) return undefined;
  try {
    const v = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (typeof v.d !== 'string' || !Number.isInteger(v.i) || !Number.isInteger(v.s) || !Number.isInteger(v.t))
      return undefined;
    const claim: Claim = { disputeId: v.d, partyIndex: v.i as number, startedAt: v.s as number, seenAt: v.t as number };
    if (claim.seenAt + PARTY_IDLE_SECONDS <= nowSec || claim.startedAt + PARTY_MAX_SECONDS <= nowSec) return undefined;
    if (claim.seenAt > nowSec + 60) return undefined;
    return claim;
  } catch {
    return undefined;
  }
}

function setCookie(request: FastifyRequest, reply: FastifyReply, value: string, maxAge: number): void {
  const secure = servedSecurely(request) ? '; Secure' : '';
  const cookie = `${PARTY_COOKIE}=${value}; Path=/p; Max-Age=${maxAge}; HttpOnly; SameSite=Lax${secure}`;
  // Fastify adds each set-cookie header to those already set (the CSRF secret's).
  void reply.header('set-cookie', cookie);
}

export async function startPartySession(reply: FastifyReply, session: PartySession): Promise<void> {
  const request = reply.request;
  const secret = await partyLinkSecret(request.server.orm.em.fork());
  const now = Math.floor(Date.now() / 1000);
  setCookie(request, reply, encode(secret, { ...session, startedAt: now, seenAt: now }), PARTY_IDLE_SECONDS);
}

export function endPartySession(reply: FastifyReply): void {
  setCookie(reply.request, reply, '', 0);
}

/** The party actor of a case's party (the name as on file). */
export function partyActor(
  view: Pick<DisputeView, 'parties'> & { id?: string },
  disputeId: string,
  partyIndex: number,
): Actor {
  const party = view.parties?.[partyIndex];
  return {
    type: 'party',
    role: 'party',
    id: `party:${disputeId}:${partyIndex}`,
    name: party?.name ?? '',
    partyIndex,
  };
}

/**
 * The party of the request's session, with its actor, when the session is good and the case still
 * has that party; else undefined. Pass the reply to slide the idle timeout forward.
 */
export async function partyFromRequest(
  request: FastifyRequest,
  reply?: FastifyReply,
): Promise<{ disputeId: string; partyIndex: number; actor: Actor } | undefined> {
  const em = request.server.orm.em.fork();
  const secret = await partyLinkSecret(em);
  const nowSec = Math.floor(Date.now() / 1000);
  const claim = decode(secret, parseCookies(request.headers.cookie)[PARTY_COOKIE], nowSec);
  if (!claim) return undefined;
  const dispute = await em.findOne(Dispute, { id: claim.disputeId });
  const party = dispute?.state?.parties?.[claim.partyIndex];
  if (!dispute || !party) return undefined;
  if (reply && nowSec - claim.seenAt >= 10)
    setCookie(request, reply, encode(secret, { ...claim, seenAt: nowSec }), PARTY_IDLE_SECONDS);
  return {
    disputeId: claim.disputeId,
    partyIndex: claim.partyIndex,
    actor: partyActor(dispute.state, claim.disputeId, claim.partyIndex),
  };
}
