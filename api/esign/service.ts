/**
 * Signing on one's own phone (issue 22, item 4): what the signing page and the staff's
 * signing-link route do, apart from HTTP.
 *
 * - The phone a code goes to is the one ON FILE (never one typed in): the party's own, or, for a
 *   party without full civil capacity (domain/people.ts, 民法典 Art. 19–23), its 法定代理人's.
 * - The text the party sees and confirms is the current draft, identified by its round, with the
 *   hash of domain/agreement-hash.ts; the workflow's `sign` checks the round (workflows/dispute/esign.ts).
 * - A signature is recorded by the workflow's `sign` update with the party as the actor; a refusal
 *   (拒绝签字) by its `reject-agreement`.
 */
import type { FastifyInstance } from 'fastify';
import { WorkflowNotFoundError } from '@temporalio/client';
import { Dispute } from '../../db/entities';
import { currentDraftHash } from '../../security/agreement-hash';
import { needsLegalRepresentative } from '../../domain/people';
import type { Actor, DisputeView, Party } from '../../domain/types';
import {
  ACTION_REFUSED,
  rejectAgreementUpdate,
  signUpdate,
  workflowIdFor,
  type ActionRefusedDetails,
  type CaseReceipt,
  type RejectAgreementPayload,
  type SignPayload,
} from '../../workflows/dispute.messages';
import { AppError, fromTemporal } from '../errors';
import { caseAfter } from '../case-answer';

/** The phone a signing code goes to: the party's, or its 法定代理人's when it signs through them. */
export function signingPhone(party: Party, atIso: string = new Date().toISOString()): string | undefined {
  const phone = needsLegalRepresentative(party, atIso) ? party.legalRepresentative?.phone : party.phone;
  const digits = phone?.replace(/[\s-]/g, '');
  return digits && /^\+?[0-9]{7,15}$/.test(digits) ? digits : undefined;
}

/** The last 4 digits of a phone (手机尾号), for the page and the signature record. */
export const phoneTail = (phone: string): string => phone.replace(/\D/g, '').slice(-4);

/** Who signs on the page: the party, or its 法定代理人 for it. */
export function signerLabel(party: Party, atIso: string = new Date().toISOString()): string {
  return needsLegalRepresentative(party, atIso) && party.legalRepresentative
    ? `${party.name}（法定代理人：${party.legalRepresentative.name}）`
    : party.name;
}

export const noDraft = (): AppError =>
  new AppError('action_refused', '本案当前没有等待签署的调解协议 / the case has no agreement awaiting signatures');

export const textChanged = (current?: number): AppError =>
  new AppError(
    'action_invalid',
    `协议文本已变更${current ? `（当前为第${current}稿）` : ''}，请重新打开最新的签署链接查看后再签署 / ` +
      'the agreement text has changed since this page was opened: open the latest signing link and read it again',
  );

/** The case as last recorded (the projection). */
export async function caseState(app: FastifyInstance, disputeId: string): Promise<DisputeView | undefined> {
  const row = await app.orm.em.fork().findOne(Dispute, { id: disputeId });
  return row?.state;
}

/**
 * The current draft for `partyIndex` to sign: its round and hash, the party and the phone on file.
 * Refuses when no written draft awaits signatures, when `round` (the link's or the form's) is not
 * the current one, or when `sha256` (the hash the page showed) is not the current text's.
 */
export function draftFor(view: DisputeView, partyIndex: number, shown: { round?: number; sha256?: string } = {}) {
  const party = view.parties[partyIndex];
  if (!party) throw new AppError('not_found', '没有这位当事人 / no such party');
  const draft = currentDraftHash(view);
  if (!draft) throw noDraft();
  if (shown.round !== undefined && shown.round !== draft.round) throw textChanged(draft.round);
  if (shown.sha256 !== undefined && shown.sha256 !== draft.sha256) throw textChanged(draft.round);
  const signed = view.agreement!.signatures.find((s) => s.signer === `party:${partyIndex}`);
  return { ...draft, party, phone: signingPhone(party), signed };
}

const BUSY_RETRIES = 8;
const busy = (err: unknown): boolean => {
  const cause = (err as { cause?: { type?: string; details?: unknown[] } })?.cause;
  return cause?.type === ACTION_REFUSED && (cause.details?.[0] as ActionRefusedDetails | undefined)?.busy === true;
};

/** Runs one update of the case's workflow as the party, waiting out a busy case as the API does. */
async function asParty<P>(
  app: FastifyInstance,
  disputeId: string,
  update: typeof signUpdate | typeof rejectAgreementUpdate,
  actor: Actor,
  payload: P,
): Promise<DisputeView> {
  const handle = app.temporal.workflow.getHandle(workflowIdFor(disputeId));
  let receipt: CaseReceipt | undefined;
  for (let attempt = 1; !receipt; attempt++) {
    try {
      receipt = await handle.executeUpdate(update as typeof signUpdate, {
        args: [{ actor, payload: payload as unknown as SignPayload }],
      });
    } catch (err) {
      if (attempt < BUSY_RETRIES && busy(err)) {
        await new Promise((r) => setTimeout(r, 50 * attempt));
        continue;
      }
      if (err instanceof WorkflowNotFoundError || /already completed/i.test(String((err as Error)?.cause ?? err)))
        throw noDraft();
      throw fromTemporal(err) ?? err;
    }
  }
  return (await caseAfter(app, receipt)).state;
}

/** Records the party's electronic signature (the code has been verified). */
export function signElectronically(
  app: FastifyInstance,
  disputeId: string,
  actor: Actor,
  signed: { round: number; sha256: string; codeRef: string; phone: string },
): Promise<DisputeView> {
  const payload: SignPayload = {
    signer: `party:${actor.partyIndex}`,
    method: 'electronic',
    round: signed.round,
    contentSha256: signed.sha256,
    channel: 'sms_otp',
    codeRef: signed.codeRef,
    phoneTail: phoneTail(signed.phone),
  };
  return asParty(app, disputeId, signUpdate, actor, payload);
}

/** Records the party's refusal to sign (拒绝签字), with its reason: the case goes back to mediation. */
export function refuseToSign(
  app: FastifyInstance,
  disputeId: string,
  actor: Actor,
  refusal: { round: number; reason: string },
): Promise<DisputeView> {
  const payload: RejectAgreementPayload = { party: actor.partyIndex, reason: refusal.reason, round: refusal.round };
  return asParty(app, disputeId, rejectAgreementUpdate, actor, payload);
}

/** After a signature: who has still to sign, or that the seal comes next. */
export function whatNext(view: DisputeView): { effective: boolean; waitingForSeal: boolean; stillToSign: string[] } {
  const a = view.agreement;
  if (!a || a.effectiveAt) return { effective: !!a?.effectiveAt, waitingForSeal: false, stillToSign: [] };
  const signed = new Set(a.signatures.map((s) => s.signer));
  const stillToSign = [
    ...view.parties.filter((_, i) => !signed.has(`party:${i}`)).map((p) => p.name),
    ...(signed.has('mediator') ? [] : ['人民调解员']),
  ];
  return { effective: false, waitingForSeal: stillToSign.length === 0, stillToSign };
}
