/** Numbers per committee and year against the real database: no gaps, no duplicates, stable on retry. */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { allocateNumber } from '../../db/numbering';
import { initORM } from '../../db/orm';

let orm: MikroORM;
beforeAll(async () => {
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 10 } });
});
afterAll(() => orm?.close());

it('gives 40 concurrent cases 40 consecutive numbers, and a retry the same number', async () => {
  const unitCode = 'jinshi'; // a committee no other test numbers in year 2031
  const ids = Array.from({ length: 40 }, () => randomUUID());
  const numbers = await Promise.all(
    ids.map((disputeId) =>
      allocateNumber(orm.em.fork(), {
        ownerKey: disputeId,
        kind: 'agreement',
        unitCode,
        committeeShort: '津',
        year: 2031,
      }),
    ),
  );
  const seqs = numbers.map((n) => Number(/第(\d+)号/.exec(n)![1])).sort((a, b) => a - b);
  expect(seqs).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  expect(numbers[0]).toMatch(/^（2031）津人调字第\d+号$/);

  const again = await Promise.all(
    ids.slice(0, 5).map((disputeId) =>
      allocateNumber(orm.em.fork(), {
        ownerKey: disputeId,
        kind: 'agreement',
        unitCode,
        committeeShort: '津',
        year: 2031,
      }),
    ),
  );
  expect(again).toEqual(numbers.slice(0, 5));
  const next = await allocateNumber(orm.em.fork(), {
    ownerKey: randomUUID(),
    kind: 'agreement',
    unitCode,
    committeeShort: '津',
    year: 2031,
  });
  expect(next).toBe('（2031）津人调字第41号');
});
