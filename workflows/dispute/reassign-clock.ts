/**
 * A supervisor's reassignment to another unit keeps the case's running clock (patch
 * `reassign-keeps-clock`, issue 24). Before it, the move started every deadline afresh: a breached
 * case left the overdue list and its handling time began again at the new unit, which hid a late
 * case by handing it on. Now:
 *
 * - a case not yet accepted goes to the new unit with its accept deadline as it runs (or as it was
 *   breached): the new unit accepts within the time that is left;
 * - an accepted case (in mediation, or suspended) goes to the new unit, which must accept it within
 *   its own accept deadline, and its handling deadline runs on (a suspended one resumes now, moved by
 *   the working time suspended, as `resume` does); accepting it there keeps that handling deadline.
 *
 * Histories without the marker replay the old move (`moveTo` with a fresh accept deadline).
 */
import { patched } from '@temporalio/workflow';
import type { Actor, Deadline, UnitRef } from '../../domain/types';
import type { ReassignPayload } from '../dispute.messages';
import { forbidden, nowIso, type DisputeCase } from './case';
import { moveTo, unitWithAcceptDeadline } from './transitions';

export const REASSIGN_KEEPS_CLOCK = 'reassign-keeps-clock';

export async function reassignKeepingClock(
  c: DisputeCase,
  actor: Actor,
  payload: ReassignPayload,
  target: string,
): Promise<void> {
  const s = c.state;
  const from = s.unit!;
  const running = c.deadlines();
  const keptAccept = s.stage === 'awaiting_acceptance' ? running.accept : undefined;
  let handling = s.stage === 'awaiting_acceptance' ? undefined : running.handling;
  const { unit, deadline }: { unit: UnitRef; deadline: Deadline } = keptAccept
    ? { unit: await c.exclusively(() => c.steps.resolveUnit(target)), deadline: keptAccept }
    : await unitWithAcceptDeadline(c, target);
  if (actor.role !== 'admin' && !(actor.unitPath && unit.path?.startsWith(actor.unitPath)))
    forbidden(`${unit.code} is outside your area`);
  const paused = handling;
  if (paused?.pausedAt) {
    // Suspended at the old unit: the clock resumes with the move (the suspension ends with it).
    handling = await c.exclusively(() =>
      c.steps.extendDeadline({ deadline: paused, resumedAt: nowIso(), unitCode: from.code }),
    );
  }
  moveTo(c, unit, deadline, { from: from.code, reason: payload.reason, automatic: false, kind: 'reassign' });
  if (handling) c.setDeadline(handling);
  if (payload.assignee) s.assignee = payload.assignee;
  await c.emit('reassigned', actor, {
    from: from.code,
    to: unit.code,
    assignee: payload.assignee,
    reason: payload.reason,
    clockKept: true,
    ...(handling ? { handlingDueAt: handling.dueAt } : { acceptDueAt: deadline.dueAt }),
  });
}

/**
 * On `accept`: the case came by a reassignment that kept its handling deadline (only a case
 * reassigned under the patch awaits acceptance with one), which then runs on instead of starting again.
 */
export function keepsHandlingClock(c: DisputeCase): boolean {
  return c.state.stage === 'awaiting_acceptance' && !!c.deadlines().handling && patched(REASSIGN_KEEPS_CLOCK);
}
