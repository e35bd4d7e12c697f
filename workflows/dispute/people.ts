/**
 * Who signs for a party (domain/people.ts): the party itself, its 法定代理人 when it lacks full civil
 * capacity (民法典 Art. 19–23), or one of its 委托代理人 holding special authority (民法典 Art. 165;
 * cf. 民事诉讼法 Art. 62). The validator refuses (422 naming the rule); the handler only names the
 * signer, and never throws: a history recorded before the rule (a minor who signed alone) replays.
 * Workflow time decides the party's age.
 */
import { partySigner } from '../../domain/people';
import type { Party } from '../../domain/types';
import { invalid, nowIso } from './case';

/** The validator's check: refuses a party signing alone without full capacity, or through an agent without special authority. */
export function refuseUnlawfulSigner(party: Party, agent: number | undefined): void {
  const found = partySigner(party, agent, nowIso());
  if ('refusal' in found) invalid(found.refusal);
}

/** The name a party's signature is recorded under, e.g. 程小某（法定代理人：程某）. */
export function partySignerName(party: Party, agent: number | undefined): string {
  const found = partySigner(party, agent, nowIso());
  return 'refusal' in found ? party.name : found.name;
}
