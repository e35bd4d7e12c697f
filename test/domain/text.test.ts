/**
 * Text that cannot poison (issue 20): what is unsafe, where it is, and the repair that scrubs it.
 */
import fc from 'fast-check';
import { cutCodePoints, findUnsafeText, scrubUnsafeText, unsafeReason } from '../../domain/text';

const UNSAFE = ['\ud800', '\udfff', '\u0000', '\u0007', '\u001b', '\u007f', '\u202e', '\u2066', '\u2069'];
const SAFE = ['\t', '\n', '\r', '😀', '王', 'é', '\u200d', '¥12,800.00'];

it('names each unsafe character and lets the safe ones through', () => {
  for (const c of UNSAFE) expect(unsafeReason(`a${c}b`)).toBeDefined();
  for (const c of SAFE) expect(unsafeReason(`a${c}b`)).toBeUndefined();
  expect(findUnsafeText({ parties: [{ name: '孙某' }, { name: '李\u202e某' }] })?.field).toBe('/parties/1/name');
  expect(findUnsafeText({ ['k\ud800']: 1 })?.field).toBe('/k\ud800');
});

it('scrubs every unsafe character in place, keys included, and changes nothing else', () => {
  const state = { notes: [{ text: '毒\ud800尾' }], title: '正常 😀', map: { ['键\u0000']: '值\u202e' } };
  const same = state.notes[0];
  expect(scrubUnsafeText([state])).toBe(3);
  expect(state).toEqual({ notes: [{ text: '毒\ufffd尾' }], title: '正常 😀', map: { ['键\ufffd']: '值\ufffd' } });
  expect(state.notes[0]).toBe(same);
  expect(findUnsafeText(state)).toBeUndefined();
});

it('leaves any string well-formed after scrubbing, and cuts by code points', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const box = { s };
      scrubUnsafeText(box);
      expect(unsafeReason(box.s)).toBeUndefined();
      expect(box.s.length).toBe(s.length);
    }),
  );
  expect(cutCodePoints('邻😀居', 2)).toBe('邻😀');
});
