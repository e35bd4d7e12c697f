/**
 * The one masking function (security/pii.ts), on the formats people really write: it must catch
 * every phone, identity and house number, and must leave dates, amounts and document numbers alone.
 * The log masking (api/logging.ts) and every masked answer and copy use it.
 */
import { maskAddress, maskIdNumber, maskName, maskNames, maskPhone, maskText, maskValue } from '../../security/pii';
import { loggerOptions } from '../../api/logging';

describe('maskText', () => {
  it.each([
    // Mainland mobiles: first 3 and last 4 digits stay, separators and prefixes as written.
    ['13812345678', '138****5678'],
    ['138 1234 5678', '138 **** 5678'],
    ['138-1234-5678', '138-****-5678'],
    ['+86 138 1234 5678', '+86 138 **** 5678'],
    ['+8613812345678', '+86138****5678'],
    ['008613812345678', '0086138****5678'],
    ['+86-138-1234-5678', '+86-138-****-5678'],
    ['１３８１２３４５６７８', '１３８****５６７８'],
    // Landlines: the area code and the last 4 digits stay; an extension is not personal.
    ['0731-12345678', '0731-****5678'],
    ['(0731)1234567', '(0731)***4567'],
    ['（0731）1234567', '（0731）***4567'],
    ['0731 1234 5678', '0731 **** 5678'],
    ['010-87654321-123', '010-****4321-123'],
    ['+86 731 8888 1234', '+86 731 **** 1234'],
    // Resident identity numbers: the region (6) and the last 4 stay; the birth date never.
    ['430702198001011234', '430702********1234'],
    ['43070219800101123X', '430702********123X'],
    ['43070219800101123x', '430702********123x'],
    ['430702 19800101 1234', '430702 ******** 1234'],
    ['430702800101123', '430702******123'],
    // Hong Kong identity card, passport, travel permit.
    ['A123456(7)', 'A******(7)'],
    ['E12345678', 'E*****678'],
    ['C12345678', 'C*****678'],
    // House numbers after a road, an estate or a building word.
    ['人民路123号4栋2单元501室', '人民路***号*栋*单元***室'],
    ['桃李小区3栋', '桃李小区*栋'],
    ['汪家桥社区第3栋', '汪家桥社区第*栋'],
  ])('%s → %s', (input, masked) => {
    expect(maskText(input)).toBe(masked);
  });

  it.each([
    '2026-12-06',
    '2026-12-06T01:15:00.000Z',
    '¥12,800.00',
    '人民币12800元',
    '金额12000000',
    '常武陵调字〔2026〕第12号',
    '（2026）汪人调字第12号',
    '（2026）渔人调受字第1号',
    '12月10号前付款',
    '武陵区2026年第3次会议',
    '3f9c0e2a13812345678b7d',
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '第12号',
  ])('leaves %s alone', (text) => {
    expect(maskText(text)).toBe(text);
  });

  it('masks inside sentences, several at once', () => {
    expect(
      maskText(
        '陈女士（电话138 1234 5678，座机0736-7654321，身份证43070219800101123X）住人民路12号，约定12月10号前支付¥12,800.00。',
      ),
    ).toBe(
      '陈女士（电话138 **** 5678，座机0736-***4321，身份证430702********123X）住人民路**号，约定12月10号前支付¥12,800.00。',
    );
  });

  it('hides identity numbers altogether when asked (for readers who get none)', () => {
    expect(maskText('身份证43070219800101123X，护照E12345678，电话13812345678', { hideIdentity: true })).toBe(
      '身份证******************，护照*********，电话138****5678',
    );
  });

  it('masks the names it is given, surname kept, longest first', () => {
    expect(maskText('陈小红与王某在陈小红家协商，王某某到场', { names: ['陈小红', '王某', '王某某'] })).toBe(
      '陈**与王*在陈**家协商，王**到场',
    );
    expect(maskNames('会议室 a.b', ['a.b'])).toBe('会议室 a***');
    // One-character names would mask every such character: they are not searched for.
    expect(maskNames('王王王', ['王'])).toBe('王王王');
  });
});

describe('the field maskers', () => {
  it('names: surname only', () => {
    expect(maskName('陈小红')).toBe('陈**');
    expect(maskName('欧阳娜娜')).toBe('欧**');
    expect(maskName('陈某')).toBe('陈*');
    expect(maskName('Zhang San')).toBe('Z***');
    expect(maskName('王')).toBe('*');
  });

  it('addresses: down to the street, community or road', () => {
    expect(maskAddress('常德市武陵区渔父祠社区桃李小区3栋')).toBe('常德市武陵区渔父祠社区***');
    expect(maskAddress('湖南省长沙市岳麓区麓山南路932号')).toBe('湖南省长沙市岳麓区麓山南路***');
    expect(maskAddress('津市市汪家桥社区某小区2栋')).toBe('津市市汪家桥社区***');
    expect(maskAddress('津市市汪家桥街道')).toBe('津市市汪家桥街道');
    expect(maskAddress('李家村5组18号')).toBe('李家村***');
    expect(maskAddress('桃李小区3栋')).toBe('桃***');
  });

  it('phone and identity fields in any shape', () => {
    expect(maskPhone('13800001111')).toBe('138****1111');
    expect(maskPhone('0731-12345678')).toBe('0731-****5678');
    expect(maskPhone('87654321')).toBe('****4321');
    expect(maskIdNumber('430702198001011234')).toBe('430702********1234');
    expect(maskIdNumber('K1234567')).toBe('K****567');
    expect(maskIdNumber('X9-88-77')).toBe('X9****77');
  });

  it('maskValue masks personal keys and numbers anywhere in a log object', () => {
    expect(
      maskValue({
        party: {
          name: '陈小红',
          phone: '13800001111',
          idNumber: '430702198001011234',
          address: '常德市武陵区渔父祠社区桃李小区3栋',
        },
        msg: 'called 13912345678',
        at: '2026-12-06',
      }),
    ).toEqual({
      party: {
        name: '陈**',
        phone: '138****1111',
        idNumber: '430702********1234',
        address: '常德市武陵区渔父祠社区***',
      },
      msg: 'called 139****5678',
      at: '2026-12-06',
    });
  });
});

it('is what the API log uses', () => {
  const options = loggerOptions('info') as {
    formatters: { log(o: object): object };
    serializers: { req(r: object): { url: string } };
  };
  expect(options.formatters.log({ note: '电话 138 1234 5678，座机(0731)1234567' })).toEqual({
    note: '电话 138 **** 5678，座机(0731)***4567',
  });
  // Query values are not logged (but plain ones); a phone in the path is masked like any text.
  expect(options.serializers.req({ method: 'GET', url: '/x?phone=%2B8613812345678&tel=13812345678' }).url).toBe(
    '/x?phone=[redacted]&tel=[redacted]',
  );
  expect(options.serializers.req({ method: 'GET', url: '/x/13812345678?format=pdf' }).url).toBe(
    '/x/138****5678?format=pdf',
  );
});
