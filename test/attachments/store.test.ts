/** The same store tests against PostgreSQL (default) and S3 (moto's server on loopback): streamed both ways. */
import { Readable } from 'node:stream';
import { initORM } from '../../db/orm';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AttachmentMissingError, type AttachmentStore } from '../../storage/attachment-store';
import { PgAttachmentStore } from '../../storage/pg-store';
import { generated, motoInstalled, peakSampler, readAll, sha256, startMoto } from './helpers';
import { createHash, randomUUID } from 'node:crypto';

let orm: MikroORM;
let moto: Awaited<ReturnType<typeof startMoto>> | undefined;
const stores: Record<string, () => AttachmentStore> = {
  pg: () => new PgAttachmentStore(orm),
  s3: () => moto!.store,
};

beforeAll(async () => {
  orm = await initORM(process.env.DATABASE_URL!, { pool: { min: 0, max: 4 } });
  if (!motoInstalled()) throw new Error('moto is not installed: run scripts/install-tools.sh');
  moto = await startMoto();
}, 60_000);
afterAll(async () => {
  await moto?.stop();
  await orm?.close();
});

describe.each(['pg', 's3'])('%s store', (kind) => {
  const store = () => stores[kind]!();

  it('keeps the bytes as given and streams them back, then deletes them', async () => {
    const key = `test/${randomUUID()}`;
    const data = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(700_000, 3)]);
    await store().put(key, Readable.from([data.subarray(0, 1000), data.subarray(1000)]), {
      mediaType: 'application/pdf',
    });
    const back = await readAll(await store().get(key));
    expect(sha256(back)).toBe(sha256(data));
    await store().delete(key);
    await expect(store().get(key)).rejects.toBeInstanceOf(AttachmentMissingError);
  });

  it('keeps an empty file, and leaves nothing when the source fails midway', async () => {
    const empty = `test/${randomUUID()}`;
    await store().put(empty, Readable.from([]), { mediaType: 'application/pdf' });
    expect((await readAll(await store().get(empty))).length).toBe(0);
    const key = `test/${randomUUID()}`;
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(300_000, 1));
        setImmediate(() => this.destroy(new Error('client went away')));
      },
    });
    await expect(store().put(key, failing, { mediaType: 'application/pdf' })).rejects.toThrow();
    await expect(store().get(key)).rejects.toBeInstanceOf(AttachmentMissingError);
  });

  it('streams 20 MB in and out without holding it (live memory grows far less than the file)', async () => {
    const key = `test/${randomUUID()}`;
    const bytes = 20 * 1024 * 1024;
    const sampler = peakSampler(7 * 1024 * 1024);
    // Hashes taken on the way through Transforms, which keep the streams' backpressure (a 'data'
    // listener would make the source flow ahead of the store and hold the file in the test itself).
    const expected = createHash('sha256');
    await store().put(key, generated(bytes).pipe(sampler.tap((c) => expected.update(c))), {
      mediaType: 'application/pdf',
    });
    const got = createHash('sha256');
    let size = 0;
    const back = (await store().get(key)).pipe(
      sampler.tap((c) => {
        got.update(c);
        size += c.length;
      }),
    );
    for await (const _ of back) void _;
    const { growth, samples } = sampler.stop();
    expect(size).toBe(bytes);
    expect(got.digest('hex')).toBe(expected.digest('hex'));
    expect(samples).toBe(4); // at 7 and 14 MiB on the way in, and on the way out
    // The whole file would be 20 MB; streaming holds a few pieces at a time: PostgreSQL rows of
    // 256 KiB, S3 multipart parts of 5 MiB (one filling, one in flight, the SDK's copy while signing).
    expect(growth).toBeLessThan(kind === 'pg' ? bytes / 4 : (bytes * 3) / 4);
    await store().delete(key);
  }, 60_000);
});
