/**
 * The actions from the joint meeting to the visit: schedule it (the summons goes out), the agencies
 * answer it, record its outcome, draft the agreement, sign and seal it (effective per 人民调解法
 * Art. 29), a party rejects it, the follow-up visit is recorded.
 */
import type { ActionInput } from '../dispute.messages';
import {
  confirmAttendanceUpdate,
  declineAttendanceUpdate,
  recordFollowUpUpdate,
  recordOutcomeUpdate,
  rejectAgreementUpdate,
  resolveUpdate,
  scheduleMeetingUpdate,
  sealUpdate,
  signUpdate,
} from '../dispute.messages';
import { invalid, nowIso, type DisputeCase } from './case';
import { alertDeclined, meetingKindFor, meetingNoticeText, refuseBeforeStart } from './meeting';
import { checkVisit, recordVisit, registerPerformanceActions } from './performance';
import { becomeEffectiveIfComplete, closeCase, draftAgreement } from './transitions';
import { assertVoluntary } from './voluntariness';
import { recordOralAgreement, refuseUnperformableTerms } from './judicial';
import { partySignerName, refuseUnlawfulSigner } from './people';
import { mediatorSignatureRefusal, sealTooEarly } from '../../domain/committee';
import { checkRejectRole, checkSignRole, electronicFields } from './esign';
import { REMOTE_PLACE, scheduleMeetingProblems } from '../../domain/remote-meeting';

const MEETING_REMINDER_LEAD_MS = 24 * 3600 * 1000;

export function registerAgreementActions(c: DisputeCase): void {
  const s = c.state;

  c.on(
    scheduleMeetingUpdate,
    'schedule-meeting',
    async ({ actor, payload }) => {
      // The street or a county centre convenes (the agencies report in); a community invites (meeting.ts).
      const kind = meetingKindFor(c);
      const { agencies, reportIn } = await c.exclusively(async () => ({
        agencies: await c.steps.resolveAgencies(payload.agencies),
        reportIn:
          kind === 'invitation'
            ? undefined
            : await c.steps.computeDeadline({ kind: 'report_in', ...c.slaKey(), from: nowIso() }),
      }));
      const round = (s.pastMeetings?.length ?? 0) + 1;
      s.meeting = {
        round,
        at: payload.at,
        place: payload.place ?? REMOTE_PLACE,
        agencies,
        parties: payload.parties ?? s.parties.map((_, i) => i),
        agenda: payload.agenda,
        convenedBy: actor,
        convenedAt: nowIso(),
        kind,
        convenor: s.unit ? { code: s.unit.code, name: s.unit.name, phone: s.unit.phone } : undefined,
        // Remote participation is recorded, not built (domain/remote-meeting.ts): absent for on-site meetings.
        ...(payload.mode && payload.mode !== 'on_site'
          ? { mode: payload.mode, remoteLink: payload.remoteLink, remotePlatform: payload.remotePlatform }
          : {}),
      };
      if (reportIn) c.setDeadline(reportIn, { noWarning: true });
      const meetingAt = Date.parse(payload.at);
      const remindAt = Math.max(
        Date.now(),
        meetingAt - Math.min(MEETING_REMINDER_LEAD_MS, (meetingAt - Date.now()) / 2),
      );
      c.setDeadline(
        {
          kind: 'meeting_reminder',
          startedAt: nowIso(),
          warnAt: payload.at,
          dueAt: new Date(remindAt).toISOString(),
          warned: true,
          breached: false,
          autoEscalate: false,
        },
        { noWarning: true },
      );
      c.enterStage('meeting_scheduled');
      await c.emit('meeting_scheduled', actor, {
        round,
        at: payload.at,
        place: s.meeting.place,
        agencies: payload.agencies,
        reportInDueAt: reportIn?.dueAt,
        kind,
        // The mode only: the link (and any meeting password) stays out of events and webhooks.
        ...(s.meeting.mode ? { mode: s.meeting.mode } : {}),
      });
      c.notify({
        key: `${s.disputeId}:summons:${round}`,
        disputeId: s.disputeId,
        kind: 'meeting_summons',
        recipients: agencies.map((a) => a.code),
        message: meetingNoticeText(c, s.meeting!, reportIn?.dueAt),
      });
    },
    ({ payload }) => {
      if (!(Date.parse(payload.at) > Date.now())) invalid('the meeting must be in the future');
      if (new Set(payload.agencies).size !== payload.agencies.length) invalid('an agency is listed twice');
      for (const i of payload.parties ?? []) if (i >= s.parties.length) invalid(`no party ${i}`);
      const remote = scheduleMeetingProblems(payload); // the API refuses these first (400)
      if (remote.length) invalid(remote.map((p) => p.message).join('；'));
      assertVoluntary(c, 'schedule-meeting'); // 人民调解法 Art. 17, 20, 23–24 (workflows/dispute/voluntariness.ts)
    },
  );

  const answerSummons =
    (answer: 'confirmed' | 'declined') =>
    async ({ actor, payload }: ActionInput<{ note?: string; reason?: string }>) => {
      const agency = s.meeting!.agencies.find((a) => a.code === actor.agencyCode)!;
      agency.answer = answer;
      agency.answeredAt = nowIso();
      agency.answeredBy = actor.id;
      agency.note = payload.reason ?? payload.note;
      if (s.meeting!.agencies.every((a) => a.answer)) c.clearDeadlines('report_in');
      await c.emit(answer === 'confirmed' ? 'attendance_confirmed' : 'attendance_declined', actor, {
        agency: agency.code,
        note: agency.note,
      });
      if (answer === 'declined') await alertDeclined(c, agency.code, agency.note);
    };
  const notYetAnswered = ({ actor }: ActionInput<unknown>) => {
    const agency = s.meeting?.agencies.find((a) => a.code === actor.agencyCode);
    if (!agency) invalid('only a representative of a summoned agency answers the summons');
    if (agency.answer) invalid(`${actor.agencyCode} has already answered`);
  };
  c.on(confirmAttendanceUpdate, 'confirm-attendance', answerSummons('confirmed'), notYetAnswered);
  c.on(declineAttendanceUpdate, 'decline-attendance', answerSummons('declined'), (input) => {
    notYetAnswered(input);
    // The API's schema requires it too; this holds for a caller that reaches Temporal directly.
    if (!input.payload.reason) invalid('a reason is required to decline');
  });

  c.on(
    recordOutcomeUpdate,
    'record-outcome',
    async ({ actor, payload }) => {
      const meeting = s.meeting!;
      meeting.outcome = {
        result: payload.result,
        facts: payload.facts,
        responsibilities: payload.responsibilities,
        losses: payload.losses,
        note: payload.note,
        recordedAt: nowIso(),
      };
      s.pastMeetings = [...(s.pastMeetings ?? []), meeting];
      s.meeting = undefined;
      c.clearDeadlines('report_in', 'meeting_reminder');
      await c.emit('meeting_outcome_recorded', actor, { result: payload.result, round: meeting.round });
      if (payload.result === 'agreed') {
        await draftAgreement(c, actor, {
          facts: payload.facts,
          matters: payload.matters ?? '',
          responsibilities: payload.responsibilities ?? '',
          losses: payload.losses,
          terms: payload.terms ?? [],
          signingPlace: payload.signingPlace,
        });
      } else if (payload.result === 'no_agreement' && payload.failWithReferral) {
        s.failure = { at: nowIso(), by: actor.id, reason: '联合调解未达成协议', referral: payload.failWithReferral };
        closeCase(c, 'failed');
        await c.emit('mediation_failed', actor, { referral: payload.failWithReferral });
      } else {
        c.enterStage('in_mediation');
        await c.emit('back_to_mediation', actor, { result: payload.result });
      }
    },
    ({ payload }) => {
      if (!s.meeting) invalid('there is no meeting to record');
      refuseBeforeStart(s.meeting, '记录调解结果', 'an outcome is recorded');
      if (payload.result === 'agreed' && !(payload.terms?.length && payload.matters && payload.responsibilities)) {
        invalid('an agreed outcome needs matters, responsibilities and at least one term');
      }
      if (payload.result === 'agreed') assertVoluntary(c, 'record-outcome'); // 人民调解法 Art. 17, 23–24
      if (payload.result === 'agreed') refuseUnperformableTerms(payload.terms ?? []); // Art. 29(3)
    },
  );

  c.on(
    resolveUpdate,
    'resolve',
    async ({ actor, payload }) =>
      payload.form === 'oral' ? recordOralAgreement(c, actor, payload) : draftAgreement(c, actor, payload),
    ({ payload }) => {
      if (payload.terms.length === 0) invalid('an agreement needs at least one term');
      refuseUnperformableTerms(payload.terms); // 人民调解法 Art. 29(3) (domain/agreement-law.ts)
      assertVoluntary(c, 'resolve'); // 人民调解法 Art. 17, 23–24 (workflows/dispute/voluntariness.ts)
    },
  );

  c.on(
    signUpdate,
    'sign',
    async ({ actor, payload }) => {
      const agreement = s.agreement!;
      const index = payload.signer.startsWith('party:') ? Number(payload.signer.slice(6)) : -1;
      // A party signs itself, through its 法定代理人 or through an agent with special authority (domain/people.ts).
      // A mediator of the holding committee signs as themself (人民调解法 Art. 19, 29; domain/committee.ts).
      const name = index >= 0 ? partySignerName(s.parties[index]!, payload.agent) : actor.name;
      agreement.signatures.push({
        signer: payload.signer,
        name,
        method: payload.method,
        witness: payload.witness,
        at: nowIso(),
        recordedBy: actor.id,
        recordedByName: actor.name,
        ...(index < 0 ? { mediatorId: actor.id } : {}),
        // Issue 22: signed on the party's own phone (workflows/dispute/esign.ts); nothing for paper.
        ...electronicFields(payload),
      });
      await c.emit('signed', actor, {
        signer: payload.signer,
        name,
        method: payload.method,
        witness: payload.witness,
        ...electronicFields(payload),
      });
      await becomeEffectiveIfComplete(c, actor);
    },
    ({ actor, payload }) => {
      checkSignRole(c, actor, payload); // a party signs for itself, electronically; staff on paper (esign.ts)
      const { signer } = payload;
      const match = /^party:(\d+)$/.exec(signer);
      if (signer !== 'mediator' && !(match && Number(match[1]) < s.parties.length)) {
        invalid(`unknown signer ${signer}: use "mediator" or "party:0" … "party:${s.parties.length - 1}"`);
      }
      // Several mediators may sign, each once (Art. 19); a party signs once.
      const again = signer === 'mediator' && s.agreement ? mediatorSignatureRefusal(actor, s.agreement) : undefined;
      if (again) invalid(again);
      if (match && s.agreement?.signatures.some((sig) => sig.signer === signer))
        invalid(`${signer} has already signed`);
      if (match)
        refuseUnlawfulSigner(s.parties[Number(match[1])]!, payload.agent); // 民法典 Art. 19–23, 165
      else if (payload.agent !== undefined) invalid('only a party signs through an agent (agent)');
    },
  );

  c.on(
    sealUpdate,
    'seal',
    async ({ actor }) => {
      s.agreement!.sealedAt = nowIso();
      s.agreement!.sealedBy = actor.id;
      await c.emit('sealed', actor, { committee: s.unit?.committeeName });
      await becomeEffectiveIfComplete(c, actor);
    },
    () => {
      if (s.agreement?.sealedAt) invalid('the committee seal is already affixed');
      // The seal comes last (人民调解法 Art. 29; domain/committee.ts).
      const early = s.agreement ? sealTooEarly(s.agreement, s.parties) : undefined;
      if (early) invalid(early);
    },
  );

  c.on(
    rejectAgreementUpdate,
    'reject-agreement',
    async ({ actor, payload }) => {
      const agreement = s.agreement!;
      agreement.rejected = { at: nowIso(), by: actor.id, party: payload.party, reason: payload.reason };
      // Issue 22: refused by the party on its own page (拒绝签字): named as such.
      if (actor.role === 'party') agreement.rejected.byName = actor.name;
      s.pastAgreements = [...(s.pastAgreements ?? []), agreement];
      s.agreement = undefined;
      c.clearDeadlines('signatures');
      c.enterStage('in_mediation');
      await c.emit('agreement_rejected', actor, { party: payload.party, reason: payload.reason });
    },
    ({ actor, payload }) => {
      if (payload.party !== undefined && payload.party >= s.parties.length) invalid(`no party ${payload.party}`);
      checkRejectRole(c, actor, payload); // a party refuses for itself, the draft it was shown (esign.ts)
    },
  );

  c.on(
    recordFollowUpUpdate,
    'record-follow-up',
    async ({ actor, payload }) => {
      // Per-term supervision (人民调解法 Art. 31; workflows/dispute/performance.ts); below, the old path.
      if (s.performance) return recordVisit(c, actor, payload);
      s.followUp = { ...s.followUp!, ...payload, recordedAt: nowIso(), recordedBy: actor.id };
      c.clearDeadlines('follow_up');
      await c.emit('follow_up_recorded', actor, { performed: payload.performed, satisfaction: payload.satisfaction });
      if (payload.performed) {
        closeCase(c, 'resolved');
        await c.emit('closed', actor, { outcome: 'resolved' });
      }
    },
    ({ payload }) => checkVisit(c, payload),
  );
  registerPerformanceActions(c);
}
