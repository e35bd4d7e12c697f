import { ACTIONS } from '../../domain/lifecycle';
import { mayAct } from '../../domain/permissions';
import type { Actor } from '../../domain/types';

const COMMUNITY = { unitCode: 'wangjiaqiao-community', unitPath: '/changde/jinshi/wangjiaqiao-street/wangjiaqiao-community/', summoned: ['safety-station'] };
const staff = (role: Actor['role'], unitCode: string, unitPath: string, agencyCode?: string): Actor => ({
  type: 'staff',
  id: `${role}@${unitCode}`,
  name: role,
  role,
  unitCode,
  unitPath,
  agencyCode,
});

describe('who may ask for which action', () => {
  const communityMediator = staff('mediator', 'wangjiaqiao-community', COMMUNITY.unitPath);
  const streetMediator = staff('mediator', 'wangjiaqiao-street', '/changde/jinshi/wangjiaqiao-street/');
  const streetSupervisor = staff('supervisor', 'wangjiaqiao-street', '/changde/jinshi/wangjiaqiao-street/');
  const otherMediator = staff('mediator', 'yufuci-community', '/changde/wuling/chuanzihe-street/yufuci-community/');

  it('lets the responsible unit run the mediation, and only it accept the ticket', () => {
    expect(mayAct(communityMediator, 'accept', COMMUNITY)).toBe(true);
    expect(mayAct(communityMediator, 'seal', COMMUNITY)).toBe(true);
    expect(mayAct(streetMediator, 'accept', COMMUNITY)).toBe(false);
    expect(mayAct(streetMediator, 'schedule-meeting', COMMUNITY)).toBe(true);
    for (const a of ACTIONS) expect(mayAct(otherMediator, a, COMMUNITY)).toBe(false);
  });

  it('keeps reassigning for supervisors and answering summonses for the summoned agency', () => {
    expect(mayAct(communityMediator, 'reassign', COMMUNITY)).toBe(false);
    expect(mayAct(streetSupervisor, 'reassign', COMMUNITY)).toBe(true);
    expect(mayAct(communityMediator, 'confirm-attendance', COMMUNITY)).toBe(false);
    expect(mayAct(staff('agency_rep', '', '', 'safety-station'), 'confirm-attendance', COMMUNITY)).toBe(true);
    expect(mayAct(staff('agency_rep', '', '', 'housing-center'), 'confirm-attendance', COMMUNITY)).toBe(false);
    expect(mayAct(staff('agency_rep', '', '', 'safety-station'), 'accept', COMMUNITY)).toBe(false);
  });

  it('gives integrators and grid workers notes (and integrators a withdrawal), nothing more', () => {
    const integrator: Actor = { type: 'integrator', id: 'k', name: 'k', role: 'integrator' };
    expect(ACTIONS.filter((a) => mayAct(integrator, a, COMMUNITY))).toEqual(['add-note', 'withdraw']);
    const grid = staff('grid_worker', 'wangjiaqiao-g1', `${COMMUNITY.unitPath}wangjiaqiao-g1/`);
    expect(ACTIONS.filter((a) => mayAct(grid, a, COMMUNITY))).toEqual(['add-note']);
  });
});
