/**
 * Signing on one's own phone (issue 22, item 4): the rules the workflow holds for a `party` actor's
 * `sign` and `reject-agreement`, and for staff recording signatures.
 *
 * - A party actor (built by the parties' page from a verified session: api/party-session.ts) acts
 *   only for itself: `signer` must be `party:<its partyIndex>` and its id `party:<disputeId>:<index>`
 *   (403 otherwise). It signs only electronically (`method: 'electronic'`), never through a 委托代理人
 *   (`agent`: an agent signs on paper before staff); a party without full capacity signs through its
 *   法定代理人, to whose phone the code went (the name is recorded as for paper, domain/people.ts).
 * - An electronic signature carries the hash of the text shown (`contentSha256`, computed by the API
 *   with domain/agreement-hash.ts: the workflow does not hash), the draft it was shown for (`round`),
 *   the channel (`sms_otp`) and the verified code's reference (`codeRef`). The workflow guarantees it
 *   is the current draft by `round`: a re-draft after a rejection takes the next round
 *   (transitions.ts draftAgreement), and while a draft awaits signatures nothing else changes its text.
 * - Staff record paper signatures (签名 / 盖章 / 按指印) as before and never an electronic one, nor
 *   its fields (403 / 422).
 * - A party refusing (拒绝签字) from its page refuses for itself only, and for the draft it was shown.
 *
 * Only validator branches for the new role and new optional fields: no existing history changes.
 */
import type { Actor, Signature } from '../../domain/types';
import type { RejectAgreementPayload, SignPayload } from '../dispute.messages';
import { forbidden, invalid, type DisputeCase } from './case';

const ELECTRONIC_FIELDS = ['round', 'contentSha256', 'channel', 'codeRef', 'phoneTail'] as const;

const ownIndex = (c: DisputeCase, actor: Actor): number => {
  const i = actor.partyIndex;
  if (i === undefined || !Number.isInteger(i) || i < 0 || i >= c.state.parties.length)
    forbidden('当事人身份无效 / the party session names no party of this case');
  if (actor.id !== `party:${c.state.disputeId}:${i}`)
    forbidden('当事人只能处理自己的案件 / a party acts on its own case only');
  return i;
};

const staleRound = (c: DisputeCase, round: number | undefined): void => {
  const current = c.state.agreement?.round ?? 1;
  if (round !== undefined && round !== current)
    invalid(
      `协议文本已变更（当前为第${current}稿），请重新打开签署链接查看 / the agreement text has changed ` +
        `(draft ${current} is current, not draft ${round}): open the signing link again`,
    );
};

/** The sign validator's added rules (before the existing ones). */
export function checkSignRole(c: DisputeCase, actor: Actor, payload: SignPayload): void {
  if (actor.role !== 'party') {
    if (payload.method === 'electronic')
      forbidden(
        '电子签名只能由当事人本人在签署页面以短信验证码确认，工作人员只能记录纸质签名、盖章或按指印 / ' +
          'an electronic signature is given by the party itself on its signing page; staff record signatures on paper, seals and fingerprints only',
      );
    const extra = ELECTRONIC_FIELDS.filter((f) => payload[f] !== undefined);
    if (extra.length) invalid(`only an electronic signature carries ${extra.join(', ')}`);
    return;
  }
  const i = ownIndex(c, actor);
  if (payload.signer !== `party:${i}`)
    forbidden(
      `当事人只能为自己签名，不能代他人签署 / a party signs for itself only (party:${i}), not as ${payload.signer}`,
    );
  if (payload.method !== 'electronic')
    invalid('当事人在本人手机上只能以电子签名方式签署 / a party signs on its own phone electronically only');
  if (payload.agent !== undefined)
    invalid(
      '委托代理人不能在当事人的签署页面代为签署 / an agent does not sign on the party’s page: it signs on paper before the mediator',
    );
  if (!payload.contentSha256 || !payload.codeRef || payload.channel !== 'sms_otp' || payload.round === undefined)
    invalid('an electronic signature needs round, contentSha256, channel sms_otp and codeRef');
  if (c.state.agreement?.form === 'oral') invalid('an oral agreement is not signed');
  staleRound(c, payload.round);
}

/**
 * The electronic signature's own fields, for the record (nothing for a paper signature). It was
 * recorded by the party itself (`recordedBy` its party id); no 记录人 name, which would be the
 * party's own name outside the masking of names (security/visibility.ts).
 */
export const electronicFields = (payload: SignPayload): Partial<Signature> =>
  payload.method === 'electronic'
    ? {
        recordedByName: undefined,
        contentSha256: payload.contentSha256,
        channel: payload.channel,
        codeRef: payload.codeRef,
        phoneTail: payload.phoneTail,
      }
    : {};

/** The reject-agreement validator's added rules: a party refuses for itself, the draft it was shown. */
export function checkRejectRole(c: DisputeCase, actor: Actor, payload: RejectAgreementPayload): void {
  staleRound(c, payload.round);
  if (actor.role !== 'party') return;
  const i = ownIndex(c, actor);
  if (payload.party !== i)
    forbidden(
      `当事人只能以自己的名义拒绝签署 / a party refuses for itself only (party ${i}), not for party ${payload.party}`,
    );
}
