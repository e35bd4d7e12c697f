import { ACTIONS } from '../../domain/lifecycle';
import { mayAct } from '../../domain/permissions';
import type { Actor } from '../../domain/types';

const COMMUNITY = {
  unitCode: 'wangjiaqiao-community',
  unitPath: '/changde/jinshi/wangjiaqiao-street/wangjiaqiao-community/',
  summoned: ['safety-station'],
};
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
    // The seal is its 主任's or an authorised member's (domain/committee.ts; test/domain/committee.test.ts).
    expect(mayAct(communityMediator, 'seal', COMMUNITY)).toBe(false);
    expect(mayAct({ ...communityMediator, sealAuthorised: true }, 'seal', COMMUNITY)).toBe(true);
    expect(mayAct(communityMediator, 'sign', COMMUNITY)).toBe(true);
    expect(mayAct(streetMediator, 'sign', COMMUNITY)).toBe(false);
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

  it('gives integrators and grid workers notes and evidence (and integrators a withdrawal), nothing more', () => {
    const integrator: Actor = { type: 'integrator', id: 'k', name: 'k', role: 'integrator' };
    expect(ACTIONS.filter((a) => mayAct(integrator, a, COMMUNITY))).toEqual([
      'add-note',
      'withdraw',
      'attach-evidence',
    ]);
    const grid = staff('grid_worker', 'wangjiaqiao-g1', `${COMMUNITY.unitPath}wangjiaqiao-g1/`);
    expect(ACTIONS.filter((a) => mayAct(grid, a, COMMUNITY))).toEqual(['add-note', 'attach-evidence']);
  });
});

describe("neighbours and levels (the seed's 津市市)", () => {
  const STREET = '/changde/jinshi/wangjiaqiao-street/';
  const at = (unitCode: string, unitPath: string) => ({ unitCode, unitPath, summoned: [] });
  const cases = {
    wangjiaqiao: at('wangjiaqiao-community', `${STREET}wangjiaqiao-community/`),
    xindi: at('xindi-community', `${STREET}xindi-community/`),
    hejie: at('hejie-community', '/changde/jinshi/xiangyangjie-street/hejie-community/'),
    street: at('wangjiaqiao-street', STREET),
  };
  /** The actions each may ask for on each case, by name. */
  const allowed = (actor: Actor) =>
    Object.fromEntries(
      Object.entries(cases).map(([name, scope]) => [name, ACTIONS.filter((a) => mayAct(actor, a, scope)).length]),
    );
  // All but reassign, confirm-attendance, decline-attendance and rate-satisfaction (the party's own, issue 22).
  const MEDIATION = ACTIONS.length - 4;
  // Only the holding committee signs (its mediators) and seals (its 主任, or a member it authorised): domain/committee.ts.
  const OWN_MEDIATOR = MEDIATION - 1; // not the seal
  // A unit above answers no ticket for the unit (accept, decline, refuse) and signs and seals nothing for it.
  const ABOVE = MEDIATION - 5;

  it("keeps a community to its own cases: not the sibling community's under the same street, not the street's own", () => {
    for (const role of ['mediator', 'supervisor'] as const) {
      const wangjiaqiao = staff(role, 'wangjiaqiao-community', cases.wangjiaqiao.unitPath);
      const xindi = staff(role, 'xindi-community', cases.xindi.unitPath);
      expect([role, allowed(wangjiaqiao)]).toEqual([
        role,
        { wangjiaqiao: role === 'supervisor' ? MEDIATION + 1 : OWN_MEDIATOR, xindi: 0, hejie: 0, street: 0 },
      ]);
      expect([role, allowed(xindi)]).toEqual([
        role,
        { wangjiaqiao: 0, xindi: role === 'supervisor' ? MEDIATION + 1 : OWN_MEDIATOR, hejie: 0, street: 0 },
      ]);
    }
  });

  it('lets a street help in both of its communities (not accept for them), the other street in neither, and the county in all', () => {
    const street = staff('mediator', 'wangjiaqiao-street', STREET);
    // Everything but answering a ticket addressed to the community, or signing and sealing for its committee.
    expect(allowed(street)).toEqual({ wangjiaqiao: ABOVE, xindi: ABOVE, hejie: 0, street: OWN_MEDIATOR });
    // A supervisor also reassigns.
    expect(allowed(staff('supervisor', 'xiangyangjie-street', '/changde/jinshi/xiangyangjie-street/'))).toEqual({
      wangjiaqiao: 0,
      xindi: 0,
      hejie: ABOVE + 1,
      street: 0,
    });
    expect(allowed(staff('supervisor', 'jinshi', '/changde/jinshi/'))).toEqual({
      wangjiaqiao: ABOVE + 1,
      xindi: ABOVE + 1,
      hejie: ABOVE + 1,
      street: ABOVE + 1,
    });
  });
});
