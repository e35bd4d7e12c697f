/** Who signs and seals for a committee, and where a case goes above the street (domain/committee.ts). */
import {
  acceptBreachSupervised,
  escalationTarget,
  mediatorSignatureRefusal,
  parentCodeOf,
  sealRefusal,
  sealTooEarly,
  signRefusal,
  type DirectoryUnit,
} from '../../domain/committee';
import { mayAct } from '../../domain/permissions';
import type { Actor, Signature } from '../../domain/types';

const COMMUNITY = {
  unitCode: 'wangjiaqiao-community',
  unitPath: '/changde/jinshi/wangjiaqiao-street/wangjiaqiao-community/',
  summoned: [],
  committeeName: '汪家桥社区人民调解委员会',
};
const staff = (role: Actor['role'], unitCode: string, extra: Partial<Actor> = {}): Actor => ({
  type: 'staff',
  id: `${role}@${unitCode}`,
  name: `${unitCode}的${role}`,
  role,
  unitCode,
  unitPath: unitCode === 'wangjiaqiao-community' ? COMMUNITY.unitPath : `/changde/jinshi/${unitCode}/`,
  ...extra,
});

describe('who signs and seals for the holding committee', () => {
  const mediator = staff('mediator', 'wangjiaqiao-community');
  const director = staff('supervisor', 'wangjiaqiao-community');
  const authorised = staff('mediator', 'wangjiaqiao-community', { sealAuthorised: true });
  const streetSupervisor = staff('supervisor', 'wangjiaqiao-street', {
    unitPath: '/changde/jinshi/wangjiaqiao-street/',
  });
  const admin: Actor = { type: 'staff', id: 'admin', name: '系统管理员', role: 'admin' };

  it("lets the committee's own mediators and 主任 sign, nobody else", () => {
    expect(signRefusal(mediator, COMMUNITY)).toBeUndefined();
    expect(signRefusal(director, COMMUNITY)).toBeUndefined();
    expect(mayAct(mediator, 'sign', COMMUNITY)).toBe(true);
    for (const other of [streetSupervisor, admin, staff('grid_worker', 'wangjiaqiao-g1')]) {
      expect(mayAct(other, 'sign', COMMUNITY)).toBe(false);
      expect(signRefusal(other, COMMUNITY)).toContain('只有汪家桥社区人民调解委员会的人民调解员');
      expect(signRefusal(other, COMMUNITY)).toContain('Art. 19, 29');
    }
    const integrator: Actor = { type: 'integrator', id: 'k', name: '580', role: 'integrator' };
    expect(mayAct(integrator, 'sign', COMMUNITY)).toBe(false);
  });

  it('lets its 主任 or an authorised member seal; not a plain mediator, a unit above or an admin', () => {
    expect(sealRefusal(director, COMMUNITY)).toBeUndefined();
    expect(sealRefusal(authorised, COMMUNITY)).toBeUndefined();
    expect(mayAct(authorised, 'seal', COMMUNITY)).toBe(true);
    for (const other of [
      mediator,
      streetSupervisor,
      admin,
      staff('mediator', 'xindi-community', { sealAuthorised: true }),
    ]) {
      expect([other.id, mayAct(other, 'seal', COMMUNITY)]).toEqual([other.id, false]);
      expect(sealRefusal(other, COMMUNITY)).toMatch(
        /^汪家桥社区人民调解委员会的印章由该委员会主任或经其授权的委员加盖/,
      );
    }
  });

  const sig = (signer: string, by: string): Signature => ({
    signer,
    name: by,
    method: 'signature',
    at: '2026-12-09T01:30:00Z',
    recordedBy: by,
  });

  it('takes each mediator once (Art. 19 allows several)', () => {
    const agreement = { signatures: [sig('mediator', mediator.id)] };
    expect(mediatorSignatureRefusal(mediator, agreement)).toContain('已在本协议上签名，不能重复签名');
    expect(mediatorSignatureRefusal(director, agreement)).toBeUndefined();
  });

  it('puts the seal last: after every party and a mediator, naming who is missing', () => {
    const parties = [{ name: '陈某' }, { name: '某小吃店' }];
    expect(sealTooEarly({ signatures: [sig('party:0', 'x')] }, parties)).toContain('尚未签名：某小吃店、人民调解员');
    expect(sealTooEarly({ signatures: [sig('party:0', 'x'), sig('party:1', 'x')] }, parties)).toContain(
      'still to sign: a mediator',
    );
    expect(
      sealTooEarly({ signatures: [sig('party:0', 'x'), sig('party:1', 'x'), sig('mediator', 'm')] }, parties),
    ).toBeUndefined();
  });
});

describe('above the street', () => {
  const county: DirectoryUnit = { code: 'jinshi', level: 'county', parentCode: 'changde', kind: 'region' };
  const street: DirectoryUnit = { code: 'wangjiaqiao-street', level: 'street', parentCode: 'jinshi' };
  const children: DirectoryUnit[] = [
    street,
    { code: 'jinshi-center', level: 'county', parentCode: 'jinshi', kind: 'center' },
    { code: 'jinshi-property', level: 'county', parentCode: 'jinshi', kind: 'professional', categories: ['property'] },
  ];

  it('goes by category to the professional committee, else to the centre, else to the county', () => {
    expect(escalationTarget(street, county, children, 'property').code).toBe('jinshi-property');
    expect(escalationTarget(street, county, children, 'neighbour').code).toBe('jinshi-center');
    expect(escalationTarget(street, county, [street], 'property').code).toBe('jinshi');
    // A community still goes to its street.
    const community: DirectoryUnit = {
      code: 'wangjiaqiao-community',
      level: 'community',
      parentCode: 'wangjiaqiao-street',
    };
    expect(escalationTarget(community, street, [], 'property').code).toBe('wangjiaqiao-street');
  });

  it('supervises (督办) a late acceptance from the street up; a community still escalates', () => {
    expect(acceptBreachSupervised('community')).toBe(false);
    expect(acceptBreachSupervised('street')).toBe(true);
    expect(acceptBreachSupervised('county')).toBe(true);
    expect(parentCodeOf('/changde/jinshi/wangjiaqiao-street/')).toBe('jinshi');
    expect(parentCodeOf('/changde/')).toBeUndefined();
  });
});
