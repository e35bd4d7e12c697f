import {
  ACTIONS,
  ALLOWED_ACTIONS,
  STAGES,
  allowedActions,
  isAllowed,
  parentLevel,
  signalledActions,
} from '../../domain/lifecycle';
import { chinaYear, formatNumber } from '../../domain/numbering';
import { deadlineAfter, pickRule } from '../../domain/sla';

describe('the lifecycle table', () => {
  it('names only actions of the API contract, and a closed case allows none', () => {
    for (const stage of STAGES) for (const a of ALLOWED_ACTIONS[stage]) expect(ACTIONS).toContain(a);
    // A closed case allows nothing, but the judicial confirmation's filing and ruling while its window runs (Art. 33).
    expect(ALLOWED_ACTIONS.closed).toEqual(['record-judicial-confirmation']);
    expect(allowedActions('closed')).toEqual([]);
    expect(allowedActions('closed', { judicial: true })).toEqual(['record-judicial-confirmation']);
    expect(allowedActions('follow_up')).not.toContain('record-judicial-confirmation');
    expect(isAllowed('awaiting_acceptance', 'accept')).toBe(true);
    expect(isAllowed('awaiting_acceptance', 'sign')).toBe(false);
    // Every action of the contract is allowed somewhere.
    expect(new Set(STAGES.flatMap((s) => ALLOWED_ACTIONS[s]))).toEqual(new Set(ACTIONS));
  });

  it('refines mediation while suspended and follow-up after a failed performance', () => {
    expect(allowedActions('in_mediation')).not.toContain('resume');
    expect(allowedActions('in_mediation', { suspended: true })).toEqual([
      'add-note',
      'resume',
      'fail',
      'withdraw',
      'reassign',
      // 人民调解法 Art. 25: the police referral does not wait for a party.
      'refer-to-police',
      // Issue 22: evidence still comes in while the case waits.
      'attach-evidence',
    ]);
    // The signals route offers the stage's actions without the internal ones (their own routes).
    expect(signalledActions(allowedActions('in_mediation', { suspended: true }))).not.toContain('attach-evidence');
    expect(signalledActions(allowedActions('follow_up'))).toEqual(['record-follow-up', 'add-note']);
    // Issue 22: evidence may still be added, and each party rates the mediation (its own page).
    expect(allowedActions('follow_up')).toEqual([
      'record-follow-up',
      'add-note',
      'attach-evidence',
      'rate-satisfaction',
    ]);
    expect(allowedActions('follow_up', { performed: false })).toEqual([
      'reopen',
      'fail',
      'add-note',
      'attach-evidence',
      'rate-satisfaction',
    ]);
    // 人民调解法 Art. 31–32: per-term supervision keeps visits and records open beside a variation or the Art. 32 referral.
    expect(allowedActions('follow_up', { perTerm: true, performed: false })).toEqual([
      'record-follow-up',
      'record-performance',
      'reopen',
      'fail',
      'add-note',
      'attach-evidence',
      'rate-satisfaction',
    ]);
    expect(allowedActions('meeting_scheduled')).toContain('record-outcome');
    expect(allowedActions('closed', { suspended: true })).toEqual([]);
  });

  it('escalates up the ladder and stops at the city', () => {
    expect(parentLevel('grid')).toBe('community');
    expect(parentLevel('community')).toBe('street');
    expect(parentLevel('county')).toBe('city');
    expect(parentLevel('city')).toBeUndefined();
  });
});

describe('case and agreement numbers', () => {
  it('follows the （2026）汪人调字第12号 style, by the year in China', () => {
    expect(formatNumber('agreement', '汪', 2026, 12)).toBe('（2026）汪人调字第12号');
    expect(formatNumber('case', '汪', 2026, 3)).toBe('（2026）汪人调受字第3号');
    expect(chinaYear(new Date('2026-12-31T16:30:00Z'))).toBe(2027);
  });
});

describe('SLA rules', () => {
  const rules = [
    { category: '*', priority: 'normal', level: '*', id: 'default' },
    { category: '*', priority: 'normal', level: 'street', id: 'street' },
    { category: 'noise', priority: 'normal', level: '*', id: 'noise' },
    { category: '*', priority: 'urgent', level: '*', id: 'urgent' },
  ];
  it('picks the most specific matching rule, category before level', () => {
    expect(pickRule(rules, { category: 'family', priority: 'normal', level: 'community' })?.id).toBe('default');
    expect(pickRule(rules, { category: 'family', priority: 'normal', level: 'street' })?.id).toBe('street');
    expect(pickRule(rules, { category: 'noise', priority: 'normal', level: 'street' })?.id).toBe('noise');
    expect(pickRule(rules, { category: 'noise', priority: 'urgent', level: 'street' })?.id).toBe('urgent');
    expect(pickRule(rules.slice(1), { category: 'family', priority: 'normal', level: 'community' })).toBeUndefined();
  });

  it('warns at the warning share of a wall-clock deadline', () => {
    const d = deadlineAfter('accept', new Date('2026-01-01T00:00:00Z'), 100, {
      warningShare: 0.8,
      autoEscalate: true,
      calendar: { kind: 'wall-clock' },
    });
    expect(d).toMatchObject({
      warnAt: '2026-01-01T00:01:20.000Z',
      dueAt: '2026-01-01T00:01:40.000Z',
      warned: false,
      breached: false,
    });
  });
});
