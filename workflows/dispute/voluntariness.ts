/**
 * Voluntariness on the record (domain/voluntariness.ts): the case's source, `record-consent` (each
 * party's consent or refusal, the rights notice, mediators, recusal, public or private, inviting
 * others) and `refuse` (不予受理); and the check the steps that need the parties' will call first.
 * New Update handlers only: replay-safe.
 */
import {
  DEFAULT_SOURCE,
  VOLUNTARINESS_LABELS,
  consentImplied,
  standingOf,
  voluntarinessGap,
  type ConsentRecord,
  type GatedStep,
} from '../../domain/voluntariness';
import type { StartDisputeInput } from '../../domain/types';
import { recordConsentUpdate, refuseUpdate } from '../dispute.messages';
import { invalid, nowIso, type DisputeCase } from './case';
import { closeCase } from './transitions';

/** 422 unless the parties' will is on record for `step` (人民调解法 Art. 17, 20, 23–24; 2002 规定 Art. 30). */
export function assertVoluntary(c: DisputeCase, step: GatedStep): void {
  const gap = voluntarinessGap(c.state, step);
  if (gap) invalid(gap);
}

export function registerVoluntarinessActions(c: DisputeCase, input: Pick<StartDisputeInput, 'source'>): void {
  const s = c.state;
  s.source = input.source ?? DEFAULT_SOURCE;
  s.consents ??= [];

  c.on(
    recordConsentUpdate,
    'record-consent',
    async ({ actor, payload }) => {
      const record: ConsentRecord = {
        ...payload,
        partyName: s.parties[payload.party]!.name,
        at: nowIso(),
        recordedBy: { id: actor.id, name: actor.name },
      };
      s.consents = [...(s.consents ?? []), record];
      const { note: _note, recusal: _recusal, mediators: _mediators, ...fields } = payload;
      await c.emit('consent_recorded', actor, { ...fields, recusal: payload.recusal !== undefined });
    },
    ({ payload }) => {
      if (payload.party >= s.parties.length) {
        invalid(`没有第${payload.party + 1}位当事人 / no party ${payload.party}`);
      }
      // Art. 17: only an applicant's own application is their consent.
      if (payload.manner === 'by_application' && !(payload.consented && consentImplied(s, payload.party))) {
        invalid(
          '“当事人申请即视为同意”仅适用于依当事人申请受理的案件中的申请人（人民调解法第十七条）；其他当事人的同意须书面或者口头作出 / consent "by application" applies only to an applicant of a case begun on a party\'s application (People\'s Mediation Law Art. 17); any other party consents in writing or orally',
        );
      }
      if (payload.consented === false && payload.inviteOthers === true) {
        invalid(
          '拒绝调解的当事人不能同时同意邀请他人参与调解（人民调解法第十七条、第二十条） / a party who refuses mediation cannot consent to inviting others to it (Art. 17, 20)',
        );
      }
    },
  );

  c.on(
    refuseUpdate,
    'refuse',
    async ({ actor, payload }) => {
      s.refusal = {
        at: nowIso(),
        by: actor.id,
        byName: actor.name,
        grounds: payload.grounds,
        reason: payload.reason,
        referral: payload.referral,
      };
      closeCase(c, 'not_accepted');
      await c.emit('not_accepted', actor, {
        grounds: payload.grounds,
        reason: payload.reason,
        referral: payload.referral,
      });
    },
    ({ payload }) => {
      // Art. 17: a refusal of mediation is the party's own word, on the record before the committee relies on it.
      if (
        payload.grounds.includes('party_refuses') &&
        !s.parties.some((_, i) => standingOf(s, i)?.consented === false)
      ) {
        invalid(
          `以“${VOLUNTARINESS_LABELS['zh-CN'].grounds.party_refuses}”为由不予受理，须先记录该当事人明确拒绝调解（record-consent，consented=false） / to refuse on the ground that a party refuses mediation (Art. 17), first record that party's refusal (record-consent with consented=false)`,
        );
      }
    },
  );
}
