/**
 * One-time codes and party links (parties/codes.ts, parties/links.ts) on the real database: codes
 * expire, are single-use, lock after 5 wrong tries and are rate-limited; links are signed and expire.
 */
import { randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { initORM } from '../../db/orm';
import { CodeRefused, issueCode, verifyCode } from '../../parties/codes';
import { linkFor, partyLinkSecret, partyLinkToken, readPartyLinkToken } from '../../parties/links';

let orm: MikroORM;
beforeAll(async () => {
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 4 } });
});
afterAll(() => orm?.close());

const T0 = new Date('2026-12-06T02:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const req = (disputeId: string, now = T0) => ({
  purpose: 'access' as const,
  disputeId,
  partyIndex: 0,
  phone: '13800001111',
  now,
});

async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (err instanceof CodeRefused) return err.reason;
    throw err;
  }
  return 'accepted';
}

describe('one-time codes', () => {
  it('are six digits, kept only as a hash, and single-use', async () => {
    const id = randomUUID();
    const issued = await issueCode(orm.em.fork(), req(id));
    expect(issued.code).toMatch(/^[0-9]{6}$/);
    expect(issued.expiresAt.getTime() - T0.getTime()).toBe(5 * 60_000);
    const [row] = await orm.em
      .getConnection()
      .execute('select * from party_codes where code_ref = ?', [issued.codeRef]);
    expect(JSON.stringify(row)).not.toContain(issued.code);
    expect(row!.phone_masked).toBe('138****1111');
    const ok = await verifyCode(orm.em.fork(), { ...req(id, at(60_000)), code: issued.code });
    expect(ok.codeRef).toBe(issued.codeRef);
    expect(await refusal(verifyCode(orm.em.fork(), { ...req(id, at(61_000)), code: issued.code }))).toBe('used');
  });

  it('expire after 5 minutes', async () => {
    const id = randomUUID();
    const issued = await issueCode(orm.em.fork(), req(id));
    expect(await refusal(verifyCode(orm.em.fork(), { ...req(id, at(5 * 60_000)), code: issued.code }))).toBe('expired');
  });

  it('lock after 5 wrong tries, even for the right code after', async () => {
    const id = randomUUID();
    const issued = await issueCode(orm.em.fork(), req(id));
    const wrong = issued.code === '000000' ? '111111' : '000000';
    const reasons = [];
    for (let i = 0; i < 5; i++)
      reasons.push(await refusal(verifyCode(orm.em.fork(), { ...req(id, at(1000)), code: wrong })));
    expect(reasons).toEqual(['wrong', 'wrong', 'wrong', 'wrong', 'locked']);
    expect(await refusal(verifyCode(orm.em.fork(), { ...req(id, at(2000)), code: issued.code }))).toBe('locked');
  });

  it('are rate-limited: one a minute, five an hour, per case, party and purpose', async () => {
    const id = randomUUID();
    await issueCode(orm.em.fork(), req(id));
    expect(await refusal(issueCode(orm.em.fork(), req(id, at(30_000))))).toBe('rate_limited');
    // Another purpose or another party has limits of its own.
    await issueCode(orm.em.fork(), { ...req(id, at(30_000)), purpose: 'sign' });
    await issueCode(orm.em.fork(), { ...req(id, at(30_000)), partyIndex: 1 });
    for (let i = 1; i < 5; i++) await issueCode(orm.em.fork(), req(id, at(i * 61_000)));
    expect(await refusal(issueCode(orm.em.fork(), req(id, at(6 * 61_000))))).toBe('rate_limited');
    // An hour after the first, one more may go.
    await issueCode(orm.em.fork(), req(id, at(3600_000 + 1000)));
  });

  it('only the latest code counts, and only for its own case and party', async () => {
    const id = randomUUID();
    const first = await issueCode(orm.em.fork(), req(id));
    const second = await issueCode(orm.em.fork(), req(id, at(61_000)));
    if (first.code !== second.code)
      expect(await refusal(verifyCode(orm.em.fork(), { ...req(id, at(62_000)), code: first.code }))).toBe('wrong');
    expect(await refusal(verifyCode(orm.em.fork(), { ...req(id, at(62_000)), partyIndex: 1, code: second.code }))).toBe(
      'wrong',
    );
    expect(await refusal(verifyCode(orm.em.fork(), { ...req(randomUUID(), at(62_000)), code: second.code }))).toBe(
      'wrong',
    );
    await verifyCode(orm.em.fork(), { ...req(id, at(63_000)), code: second.code });
  });
});

describe('party links', () => {
  it('are signed, URL-safe, and refused when changed or expired', async () => {
    const secret = await partyLinkSecret(orm.em.fork());
    expect(secret.length).toBe(32);
    const id = randomUUID();
    const { url, token, claim } = await linkFor(orm.em.fork(), 'https://tj.example.cn/', {
      disputeId: id,
      partyIndex: 1,
      purpose: 'case',
    });
    expect(url).toBe(`https://tj.example.cn/p/${token}`);
    expect(token).toMatch(/^[A-Za-z0-9_.-]+$/);
    expect(Math.round((claim.expiresAt.getTime() - Date.now()) / 86400_000)).toBe(180);
    expect(readPartyLinkToken(secret, token)).toEqual(
      claim.expiresAt && { ...claim, expiresAt: new Date(Math.floor(claim.expiresAt.getTime() / 1000) * 1000) },
    );
    // Another party's index in the same signature: refused.
    const [body, sig] = token.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), i: 0 }),
    ).toString('base64url');
    expect(readPartyLinkToken(secret, `${forged}.${sig}`)).toBeUndefined();
    expect(readPartyLinkToken(Buffer.alloc(32, 1), token)).toBeUndefined();
    expect(readPartyLinkToken(secret, token, new Date(claim.expiresAt.getTime() + 1000))).toBeUndefined();
    const sign = partyLinkToken(secret, {
      disputeId: id,
      partyIndex: 0,
      purpose: 'sign',
      round: 2,
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect(readPartyLinkToken(secret, sign)).toMatchObject({ purpose: 'sign', round: 2, partyIndex: 0 });
  });
});
