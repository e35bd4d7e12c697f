/**
 * The signing page's model and its forms' CSRF token (issue 22, item 4).
 *
 * CSRF: a signed double-submit cookie (OWASP). GET sets a random nonce in an HttpOnly,
 * SameSite=Strict cookie scoped to /p/sign; each form carries HMAC(party secret, nonce, case, party).
 * Another site can neither read the cookie nor compute the HMAC. Hand-written (a dozen lines) because
 * @fastify/csrf-protection needs @fastify/cookie, which the console notes cannot load under jest,
 * and the party secret (parties/links.ts) is already at hand.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { groupedHash } from '../../domain/agreement-hash';
import { beijingDateTime } from '../../domain/beijing-time';
import { chineseDate, chineseOrdinal, fenToFigures } from '../../domain/money';
import type { DisputeView } from '../../domain/types';
import { maskAddress, maskPhone } from '../../security/pii';
import { parseCookies } from '../../security/session-cookie';
import { agreementModel } from '../../templates/models';
import { servedSecurely } from '../plugins/edge';
import { phoneTail, signerLabel } from './service';

export const SIGN_CSRF_COOKIE = 'fq_psign_csrf';

const csrfMac = (secret: Buffer, nonce: string, disputeId: string, partyIndex: number): string =>
  createHmac('sha256', secret).update(`party-sign-csrf\0${nonce}\0${disputeId}\0${partyIndex}`).digest('base64url');

/** The form token for this party, setting the nonce cookie when there is none yet. */
export function signCsrfToken(
  request: FastifyRequest,
  reply: FastifyReply,
  secret: Buffer,
  who: { disputeId: string; partyIndex: number },
): string {
  let nonce = parseCookies(request.headers.cookie)[SIGN_CSRF_COOKIE];
  if (!nonce || !/^[A-Za-z0-9_-]{22,64}$/.test(nonce)) {
    nonce = randomBytes(24).toString('base64url');
    const secure = servedSecurely(request) ? '; Secure' : '';
    const prior = reply.getHeader('set-cookie');
    const list = Array.isArray(prior) ? prior : prior ? [String(prior)] : [];
    void reply.header('set-cookie', [
      ...list.map(String),
      `${SIGN_CSRF_COOKIE}=${nonce}; Path=/p/sign; HttpOnly; SameSite=Strict${secure}`,
    ]);
  }
  return csrfMac(secret, nonce, who.disputeId, who.partyIndex);
}

/** Whether a form's `_csrf` matches the nonce cookie for this party. */
export function signCsrfValid(
  request: FastifyRequest,
  secret: Buffer,
  who: { disputeId: string; partyIndex: number },
  sent: unknown,
): boolean {
  const nonce = parseCookies(request.headers.cookie)[SIGN_CSRF_COOKIE];
  if (!nonce || typeof sent !== 'string' || sent.length > 100) return false;
  const want = Buffer.from(csrfMac(secret, nonce, who.disputeId, who.partyIndex));
  const got = Buffer.from(sent);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Every field the template reads (strict mode), empty. */
const EMPTY = {
  title: '人民调解协议签署',
  titleEn: 'Signing the mediation agreement',
  error: null as string | null,
  message: null as string | null,
  messageMore: null as string | null,
  changed: false,
  doc: null as unknown,
  signer: '',
  signed: false,
  signedAt: '',
  round: 0,
  hash: '',
  hashGrouped: '',
  canSend: false,
  codeSent: false,
  phoneTail: '',
  phoneWho: '',
  masked: false,
  csrf: '',
};
export type SignPageModel = typeof EMPTY;

/** A page with only a message or an error (an unknown link, a result). */
export const messagePage = (m: Partial<SignPageModel>): SignPageModel => ({ ...EMPTY, ...m });

/**
 * The page for party `partyIndex`: the draft's text as the agreement prints it (templates/models.ts
 * agreementModel: the same words the sealed document has), its hash, and the forms. The other parties'
 * phone numbers are masked here (security/pii.ts); the hash covers the text in full.
 */
export function signPageModel(
  view: DisputeView,
  partyIndex: number,
  draft: { round: number; sha256: string; phone?: string; signed?: { at: string } },
  extra: Partial<SignPageModel>,
): SignPageModel {
  const m = agreementModel(view);
  const party = view.parties[partyIndex]!;
  const now = new Date().toISOString();
  const viaRepresentative = signerLabel(party, now) !== party.name;
  return {
    ...EMPTY,
    doc: {
      caseNumber: m.caseNumber,
      committeeName: m.committeeName,
      // The other parties as the parties' page shows them (docs/security.md): names in full, phone and
      // address masked, sex, age and occupation left out. The hash covers the full text.
      parties: m.parties.map((p, i) => ({
        label: p.label,
        name: p.name,
        sex: i === partyIndex ? p.sex : null,
        age: i === partyIndex ? p.age : null,
        occupation: i === partyIndex ? p.occupation : null,
        address: p.address && i !== partyIndex ? maskAddress(p.address) : p.address,
        phone: p.phone && i !== partyIndex ? maskPhone(p.phone) : p.phone,
        legalRepresentative: p.legalRepresentative
          ? { name: p.legalRepresentative.name, relation: p.legalRepresentative.relation }
          : null,
        agents: p.agents.map((a) => ({ name: a.name, authority: a.authority })),
      })),
      facts: m.facts,
      matters: m.matters,
      responsibilities: m.responsibilities,
      losses: m.losses,
      terms: m.terms.map((t, k) => ({
        number: chineseOrdinal(k + 1),
        text: t.text,
        obligor: t.obligor,
        amount: t.amountFen !== null ? fenToFigures(t.amountFen) : null,
        method: t.method,
        place: t.place,
        due: t.dueDate ? `${chineseDate(t.dueDate)}前` : t.immediate ? '即时履行' : null,
      })),
      signingPlace: m.signingPlace,
      copiesText: m.copiesText,
    },
    signer: signerLabel(party, now),
    signed: !!draft.signed,
    signedAt: draft.signed ? beijingDateTime(draft.signed.at) : '',
    round: draft.round,
    hash: draft.sha256,
    hashGrouped: groupedHash(draft.sha256),
    canSend: !!draft.phone,
    phoneTail: draft.phone ? phoneTail(draft.phone) : '',
    phoneWho: viaRepresentative ? '法定代理人' : '',
    masked: view.parties.length > 1,
    ...extra,
  };
}
