/**
 * The actions that take, move, pause and close a case: accept, decline or transfer, notes,
 * escalate, suspend and resume, reassign, fail, withdraw, reopen; and the re-planning of its
 * deadlines when the holiday arrangements change.
 */
import { condition, patched, setHandler } from '@temporalio/workflow';
import { parentLevel } from '../../domain/lifecycle';
import {
  acceptUpdate,
  addNoteUpdate,
  attachEvidenceUpdate,
  calendarChangedSignal,
  declineUpdate,
  escalateUpdate,
  failUpdate,
  reassignUpdate,
  reopenUpdate,
  resumeUpdate,
  suspendUpdate,
  withdrawUpdate,
} from '../dispute.messages';
import { SYSTEM, forbidden, invalid, nowIso, type DisputeCase } from './case';
import { openVariation, referPerformanceDispute } from './performance';
import { closeCase, escalate, moveTo, startHandlingClock, unitWithAcceptDeadline } from './transitions';
import { registerOwnNumber } from './committee';
import { REASSIGN_KEEPS_CLOCK, keepsHandlingClock, reassignKeepingClock } from './reassign-clock';

export function registerHandlingActions(c: DisputeCase): void {
  const s = c.state;

  c.on(acceptUpdate, 'accept', async ({ actor, payload }) => {
    // After a reassignment that kept the handling clock (reassign-clock.ts), it runs on.
    if (!keepsHandlingClock(c)) await startHandlingClock(c);
    s.acceptedAt = nowIso();
    s.acceptedBy = actor;
    s.assignee = { id: actor.id, name: actor.name };
    c.clearDeadlines('accept');
    c.enterStage('in_mediation');
    await c.emit('accepted', actor, { unit: s.unit?.code, note: payload.note });
    await registerOwnNumber(c, actor);
  });

  c.on(
    declineUpdate,
    'decline',
    async ({ actor, payload }) => {
      const from = s.unit!;
      if (!payload.transferTo) {
        if (!(await escalate(c, actor, payload.reason, false, 'decline'))) invalid('there is no level above this unit');
        return;
      }
      const target = payload.transferTo;
      const { unit, deadline } = await unitWithAcceptDeadline(c, target);
      // A ticket goes sideways within the level above (a neighbouring community, say), not across the city.
      const around = from.path?.replace(/[^/]+\/$/, '');
      if (actor.role !== 'admin' && around && !unit.path?.startsWith(around))
        forbidden(`${unit.code} is outside ${from.name}'s neighbourhood`);
      moveTo(c, unit, deadline, { from: from.code, reason: payload.reason, automatic: false, kind: 'transfer' });
      await c.emit('transferred', actor, { from: from.code, to: unit.code, reason: payload.reason });
    },
    ({ payload }) => {
      if (payload.transferTo === s.unit?.code) invalid('the case is already with that unit');
    },
  );

  c.on(addNoteUpdate, 'add-note', async ({ actor, payload }) => {
    s.notes.push({ at: nowIso(), by: actor, text: payload.text, ...(payload.evidence ? { evidence: true } : {}) });
    await c.emit('note_added', actor, { text: payload.text, ...(payload.evidence ? { evidence: true } : {}) });
  });

  // Issue 22: the file is already stored by the API; the case records what it is and its SHA-256.
  c.on(attachEvidenceUpdate, 'attach-evidence', async ({ actor, payload }) => {
    const item = { ...payload, at: nowIso(), by: actor };
    s.evidence = [...(s.evidence ?? []), item];
    const { name, ...rest } = payload;
    await c.emit('evidence_added', actor, { fileName: name, ...rest });
  });

  c.on(
    escalateUpdate,
    'escalate',
    async ({ actor, payload }) => {
      if (!(await escalate(c, actor, payload.reason, false, 'escalate'))) invalid('there is no level above this unit');
    },
    () => {
      if (s.level && !parentLevel(s.level)) invalid('the case is already at the highest level');
    },
  );

  c.on(suspendUpdate, 'suspend', async ({ actor, payload }) => {
    const at = nowIso();
    s.suspended = { since: at, by: actor.id, reason: payload.reason };
    const handling = c.deadlines().handling;
    if (handling) handling.pausedAt = at;
    c.touch();
    await c.emit('suspended', actor, { reason: payload.reason });
  });

  c.on(resumeUpdate, 'resume', async ({ actor, payload }) => {
    const handling = c.deadlines().handling;
    const resumedAt = nowIso();
    if (handling?.pausedAt) {
      const moved = await c.exclusively(() =>
        c.steps.extendDeadline({ deadline: handling, resumedAt, unitCode: s.unit?.code }),
      );
      c.setDeadline(moved);
    }
    const since = s.suspended?.since;
    s.suspended = undefined;
    c.touch();
    await c.emit('resumed', actor, {
      since,
      resumedAt,
      note: payload.note,
      handlingDueAt: c.deadlines().handling?.dueAt,
    });
  });

  c.on(
    reassignUpdate,
    'reassign',
    async ({ actor, payload }) => {
      const target = payload.unitCode;
      if (!target || target === s.unit?.code) {
        if (payload.assignee) s.assignee = payload.assignee;
        await c.emit('reassigned', actor, { assignee: payload.assignee, reason: payload.reason });
        return;
      }
      const from = s.unit!;
      // A reassignment keeps the running deadline: a breached case stays overdue (reassign-clock.ts).
      if (patched(REASSIGN_KEEPS_CLOCK)) {
        await reassignKeepingClock(c, actor, payload, target);
        return;
      }
      const { unit, deadline } = await unitWithAcceptDeadline(c, target);
      if (actor.role !== 'admin' && !(actor.unitPath && unit.path?.startsWith(actor.unitPath)))
        forbidden(`${unit.code} is outside your area`);
      moveTo(c, unit, deadline, { from: from.code, reason: payload.reason, automatic: false, kind: 'reassign' });
      if (payload.assignee) s.assignee = payload.assignee;
      await c.emit('reassigned', actor, {
        from: from.code,
        to: unit.code,
        assignee: payload.assignee,
        reason: payload.reason,
      });
    },
    ({ payload }) => {
      if (!payload.unitCode && !payload.assignee) invalid('name a unitCode, an assignee, or both');
    },
  );

  c.on(reopenUpdate, 'reopen', async ({ actor, payload }) => {
    // Per-term supervision: an agreed variation of the agreement in force (workflows/dispute/performance.ts).
    if (await openVariation(c, actor, payload)) return;
    await startHandlingClock(c);
    if (s.agreement) s.pastAgreements = [...(s.pastAgreements ?? []), s.agreement];
    s.agreement = undefined;
    s.followUp = undefined;
    c.clearDeadlines('judicial_confirmation', 'follow_up');
    c.enterStage('in_mediation');
    await c.emit('reopened', actor, { reason: payload.reason });
  });

  c.on(failUpdate, 'fail', async ({ actor, payload }) => {
    // After an effective agreement: a performance dispute referred to the court (Art. 32), not a failure.
    if (await referPerformanceDispute(c, actor, payload)) return;
    s.failure = { at: nowIso(), by: actor.id, reason: payload.reason, referral: payload.referral };
    closeCase(c, 'failed');
    await c.emit('mediation_failed', actor, { reason: payload.reason, referral: payload.referral });
  });

  c.on(
    withdrawUpdate,
    'withdraw',
    async ({ actor, payload }) => {
      s.withdrawal = { at: nowIso(), by: actor.id, reason: payload.reason, party: payload.party };
      closeCase(c, 'withdrawn');
      await c.emit('withdrawn', actor, { reason: payload.reason, party: payload.party });
    },
    ({ actor, payload }) => {
      // A party withdraws only its own application (issue 22: the parties' page acts for one index).
      if (actor.role === 'party' && payload.party !== actor.partyIndex)
        forbidden('当事人只能撤回本人的申请 / a party may withdraw only for itself');
      if (payload.party !== undefined && payload.party >= s.parties.length) invalid(`no party ${payload.party}`);
    },
  );

  // Holiday arrangements changed: re-plan the running working-day deadlines, on the record.
  setHandler(calendarChangedSignal, async ({ revision, year, region }) => {
    await condition(() => c.intakeDone && !c.busy());
    if (s.stage === 'closed') return;
    await c.exclusively(async () => {
      const replanned = await c.steps.replanCase({ unitCode: s.unit?.code, deadlines: c.deadlines(), at: nowIso() });
      if (replanned.moves.length === 0) return;
      for (const d of replanned.deadlines) c.deadlines()[d.kind] = d;
      c.touch();
      await c.emit('deadlines_replanned', SYSTEM, {
        revision: replanned.revision,
        prompt: { revision, year, region },
        moves: replanned.moves,
      });
    });
  });
}
