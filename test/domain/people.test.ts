/**
 * The people the law names (domain/people.ts): civil capacity by age, ID number and flags (民法典
 * Art. 17–23), the 统一社会信用代码's check character (GB 32100-2015), who signs for a party, and the
 * intake's refusals, each naming the party and the article.
 */
import {
  ageOf,
  birthDateOfIdNumber,
  capacityOf,
  creditCodeCheck,
  intakePeopleProblems,
  isValidCreditCode,
  partySigner,
} from '../../domain/people';
import type { Party } from '../../domain/types';

const AT = '2026-12-06T02:00:00.000Z'; // 2026年12月6日 10:00 Beijing time
const person = (over: Partial<Party> = {}): Party => ({ name: '程小某', role: 'applicant', kind: 'person', ...over });
const org = (over: Partial<Party> = {}): Party => ({
  name: '津市市某物业服务有限公司',
  role: 'respondent',
  kind: 'organisation',
  orgType: 'legal_person',
  representative: '刘某',
  ...over,
});
const guardian = { name: '程某', relation: '父亲' };

describe('age and capacity (民法典 Art. 17–22)', () => {
  it('reads the birth date of an 18-digit ID number', () => {
    expect(birthDateOfIdNumber('430781201403011234')).toBe('2014-03-01');
    expect(birthDateOfIdNumber('430781201402301234')).toBeUndefined(); // no 30 February
  });

  it('counts the age in Beijing time, the birthday included', () => {
    const born = person({ birthDate: '2008-12-06' });
    expect(ageOf(born, '2026-12-05T15:59:00.000Z')).toBe(17); // 23:59 on the 5th in Beijing
    expect(ageOf(born, '2026-12-05T16:00:00.000Z')).toBe(18); // 00:00 on the 6th
  });

  it('takes the youngest of what the intake says: a minor is never taken for an adult', () => {
    expect(ageOf(person({ age: 30, idNumber: '430781201403011234' }), AT)).toBe(12);
  });

  it.each([
    [person({ age: 7 }), 'none', '民法典第二十条'],
    [person({ age: 8 }), 'limited', '民法典第十九条'],
    [person({ age: 17 }), 'limited', '民法典第十九条'],
    [person({ age: 17, selfSupporting: true }), 'full', '民法典第十八条第二款'],
    [person({ age: 15, selfSupporting: true }), 'limited', '民法典第十九条'],
    [person({ age: 18 }), 'full', '民法典第十八条'],
    [person({ age: 40, capacity: 'limited' }), 'limited', '民法典第二十二条'],
    [person({ age: 40, capacity: 'none' }), 'none', '民法典第二十一条'],
  ])('%j has capacity %s (%s)', (p, capacity, article) => {
    expect(capacityOf(p, AT)).toMatchObject({ capacity, article: { zh: article } });
  });
});

describe('统一社会信用代码 (GB 32100-2015)', () => {
  it('accepts a code whose 18th character is its check character', () => {
    expect(isValidCreditCode('91350100M000100Y43')).toBe(true); // the standard's own example
    expect(isValidCreditCode('91430781MA4P8Q2K1X')).toBe(true);
  });
  it('refuses a wrong check character, a wrong length and letters the code set does not have', () => {
    expect(creditCodeCheck('91350100M000100Y4')).toBe('3');
    expect(isValidCreditCode('91350100M000100Y44')).toBe(false);
    expect(isValidCreditCode('91350100M000100Y4')).toBe(false);
    expect(isValidCreditCode('91350100I000100Y43')).toBe(false); // I is not in the code set
  });
});

describe('the intake (400s naming the party and the article)', () => {
  const problems = (parties: Party[]) => intakePeopleProblems({ parties }, AT);

  it('refuses a minor without a legal representative, naming the party and Art. 19 and 23', () => {
    const [p] = problems([org(), person({ idNumber: '430781201403011234' })]);
    expect(p).toEqual({
      field: 'body/parties/1/legalRepresentative',
      message: expect.stringContaining(
        '当事人“程小某”（第2位）未满十八周岁（12岁），须由法定代理人代理参加调解并代为签名（民法典第十九条、第二十三条）',
      ),
    });
    expect(p!.message).toContain('party "程小某" (no. 2) is under 18 (aged 12) and needs a legal representative');
  });

  it('refuses an adult flagged without full capacity and no representative (Art. 22, 23)', () => {
    expect(problems([person({ age: 50, capacity: 'limited' })])[0]!.message).toContain('民法典第二十二条、第二十三条');
  });

  it('accepts a minor with a legal representative, and a self-supporting 17-year-old alone (Art. 18(2))', () => {
    expect(problems([person({ age: 12, legalRepresentative: guardian })])).toEqual([]);
    expect(problems([person({ age: 17, selfSupporting: true })])).toEqual([]);
  });

  it('refuses the self-supporting flag below 16, and a legal representative of an adult', () => {
    expect(problems([person({ age: 15, selfSupporting: true, legalRepresentative: guardian })])[0]!.message).toContain(
      '民法典第十八条第二款',
    );
    expect(problems([person({ age: 30, legalRepresentative: guardian })])[0]).toMatchObject({
      field: 'body/parties/0/legalRepresentative',
      message: expect.stringContaining('请登记为委托代理人'),
    });
  });

  it('refuses an organisation without its representative, by its type', () => {
    expect(problems([org({ representative: undefined })])[0]!.message).toContain('须载明其法定代表人');
    expect(problems([org({ orgType: 'branch', representative: undefined })])[0]!.message).toContain('须载明其负责人');
  });

  it('refuses an invalid credit code and accepts a valid one', () => {
    expect(problems([org({ creditCode: '91430781MA4P8Q2K1Y' })])[0]).toMatchObject({
      field: 'body/parties/0/creditCode',
      message: expect.stringContaining('统一社会信用代码“91430781MA4P8Q2K1Y”无效'),
    });
    expect(problems([org({ creditCode: '91430781MA4P8Q2K1X' })])).toEqual([]);
  });
});

describe('who signs for a party', () => {
  const agent = (authority: 'general' | 'special') => ({
    name: '吴某',
    authority,
    powerOfAttorney: { reference: '授权委托书第3号', date: '2026-11-04' },
  });

  it('a minor signs through the legal representative, recorded by both names', () => {
    expect(partySigner(person({ age: 12, legalRepresentative: guardian }), undefined, AT)).toEqual({
      name: '程小某（法定代理人：程某）',
    });
  });

  it('refuses a minor signing alone (a case from before the rule)', () => {
    expect(partySigner(person({ age: 12 }), undefined, AT)).toEqual({
      refusal: expect.stringContaining('须由法定代理人代为签名（民法典第十九条至第二十三条）'),
    });
  });

  it('an agent signs only with special authority', () => {
    expect(partySigner(org({ agents: [agent('special')] }), 0, AT)).toEqual({
      name: '津市市某物业服务有限公司（委托代理人：吴某）',
    });
    expect(partySigner(org({ agents: [agent('general')] }), 0, AT)).toEqual({
      refusal: expect.stringContaining('仅有一般授权，不能代为签署调解协议'),
    });
    expect(partySigner(org(), 1, AT)).toEqual({ refusal: expect.stringContaining('没有第2位委托代理人') });
  });
});
