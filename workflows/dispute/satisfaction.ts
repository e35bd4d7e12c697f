/**
 * Issue 22: a party's own rating of the mediation at the follow-up (回访满意度), from the parties' page.
 * Once per party: a second rating is refused (409), so the figure the Safety Index scores is the
 * party's first considered answer and a case's history stays short. Staff never rate for a party
 * (domain/permissions.ts: the party role only).
 */
import { rateSatisfactionUpdate } from '../dispute.messages';
import { forbidden, nowIso, type DisputeCase } from './case';

export function registerSatisfactionActions(c: DisputeCase): void {
  const s = c.state;
  c.on(
    rateSatisfactionUpdate,
    'rate-satisfaction',
    async ({ actor, payload }) => {
      const party = actor.partyIndex as number;
      const rating = {
        party,
        rating: payload.rating,
        ...(payload.comment ? { comment: payload.comment } : {}),
        at: nowIso(),
      };
      s.satisfaction = [...(s.satisfaction ?? []), rating];
      await c.emit('satisfaction_rated', actor, {
        party,
        rating: payload.rating,
        ...(payload.comment ? { comment: payload.comment } : {}),
      });
    },
    ({ actor }) => {
      if (actor.role !== 'party' || actor.partyIndex === undefined || !s.parties[actor.partyIndex])
        forbidden('满意度评价只能由当事人本人作出 / only a party rates its own satisfaction');
      if (s.satisfaction?.some((r) => r.party === actor.partyIndex))
        c.refuse('rate-satisfaction', '您已评价过本案 / this party has already rated the case');
    },
  );
}
