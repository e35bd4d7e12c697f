/**
 * Evidence through the API route on real PostgreSQL and Temporal, beyond test/attachments/api.test.ts:
 * the route streams a 12 MB upload into the store (never held whole); a closed case's upload is
 * refused before the store is written to; a party's name as uploader is masked in the events and the
 * list for readers outside the unit.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { addAttachment } from '../../attachments/service';
import { partyActor } from '../../api/party-session';
import { maskName } from '../../security/pii';
import type { AttachmentStore } from '../../storage/attachment-store';
import { PgAttachmentStore } from '../../storage/pg-store';
import { apiOf } from '../helpers/api';
import { hallwayClutter, taoliLiftNoise } from '../helpers/fixtures';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { PDF, generated, multipart, peakSampler, sha256 } from './helpers';

const MB = 1024 * 1024;
type Evt = { actor: { name: string; type: string; partyIndex?: number } };
let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
/** Every key the store was asked to write, in order (the PostgreSQL store underneath). */
const puts: string[] = [];
let inner: PgAttachmentStore;
const store: AttachmentStore = {
  kind: 'pg',
  put: (key: string, stream: Readable, meta) => {
    puts.push(key);
    return inner.put(key, stream, meta);
  },
  get: (key: string) => inner.get(key),
  delete: (key: string) => inner.delete(key),
};

beforeAll(async () => {
  sys = await startSystem({ attachmentStore: store, attachmentLimits: { maxBytes: 16 * MB, maxPerCase: 5 } });
  inner = new PgAttachmentStore(sys.orm);
  api = apiOf(sys);
}, 60_000);
afterAll(() => sys?.close());

const chunkRows = async (caseId: string) =>
  Number(
    (
      await sys.orm.em
        .fork()
        .getConnection()
        .execute<Array<{ n: string }>>('select count(*) as n from attachment_chunks where storage_key like ?', [
          `disputes/${caseId}/%`,
        ])
    )[0]!.n,
  );

const upload = (id: string, headers: Record<string, string>, file: { name: string; data: Buffer | Readable }) => {
  const body = multipart({}, file);
  return sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${id}/attachments`,
    headers: { ...headers, ...body.headers },
    payload: body.payload,
  });
};

it('streams a 12 MB upload through the route into the store: live memory grows far less than the file', async () => {
  const mediator = await api.as('mediator@yufuci-community');
  const c = await api.create(taoliLiftNoise());
  const bytes = 12 * MB;
  const sampler = peakSampler(4 * MB);
  const sent = createHash('sha256');
  const res = await upload(c.id, mediator, {
    name: '监控录像截图.pdf',
    data: generated(bytes).pipe(sampler.tap((b) => sent.update(b))),
  });
  const { growth, samples } = sampler.stop();
  const a = expectStatus(res, 201);
  expect(samples).toBe(3); // at 4, 8 and 12 MB of the body sent
  expect(a).toMatchObject({ size: bytes, sha256: sent.digest('hex'), mediaType: 'application/pdf' });
  // Buffering the body (or the file) would hold 12 MB; the route passes pieces of 256 KiB on.
  expect(growth).toBeLessThan(bytes / 3);
  expect(await chunkRows(c.id)).toBe(bytes / (256 * 1024));
  const back = await sys.app.inject({ url: `/api/v1/disputes/${c.id}/attachments/${a.id}`, headers: mediator });
  expect(sha256(back.rawPayload)).toBe(a.sha256);
}, 60_000);

it("refuses a closed case's upload before anything is written to the store (409)", async () => {
  const mediator = await api.as('mediator@yufuci-community');
  const c = await api.create(taoliLiftNoise());
  await api.act(c.id, 'withdraw', { reason: '当事人撤回' }, mediator);
  const before = puts.length;
  const res = await upload(c.id, mediator, {
    name: 'late.pdf',
    data: Buffer.concat([PDF, Buffer.alloc(300 * 1024, 5)]),
  });
  expect(res.statusCode).toBe(409);
  expect(res.json().detail).toMatch(/案件已办结.*\/ the case is closed/);
  // Not stored and removed again: never stored (the store was not asked), no chunk row for the case.
  expect(puts.slice(before).filter((k) => k.startsWith(`disputes/${c.id}/`))).toEqual([]);
  expect(await chunkRows(c.id)).toBe(0);
  const link = await sys.app.inject({
    method: 'POST',
    url: `/api/v1/disputes/${c.id}/attachments/links`,
    headers: mediator,
    payload: { url: 'https://example.org/late' },
  });
  expect(link.statusCode).toBe(409);
});

it("masks a party uploader's name in the events and the list for readers outside the unit", async () => {
  const mediator = await api.as('mediator@yufuci-community');
  const c = await api.create(hallwayClutter());
  const view = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${c.id}`, headers: mediator }), 200);
  const party = partyActor(view, c.id, 0);
  expect(party.name).toBe('孙某');
  await addAttachment(
    { orm: sys.orm, store, temporal: sys.client },
    { disputeId: c.id, actor: party, source: 'party', fileName: '照片.pdf', stream: generated(2000) },
  );
  const admin = await api.as('admin');
  const key = expectStatus(
    await sys.app.inject({
      method: 'POST',
      url: '/api/v1/admin/api-keys',
      headers: admin,
      payload: { name: '区综治平台', areaCode: view.unit.code },
    }),
    201,
  );
  const area = { authorization: `Bearer ${key.key}` };
  const byArea = (await api.events(c.id, area)).find((e) => e.type === 'evidence_added') as unknown as Evt;
  expect(byArea.actor).toMatchObject({ type: 'party', name: maskName('孙某') });
  expect(byArea.actor.name).not.toBe('孙某');
  const byHolder = (await api.events(c.id, mediator)).find((e) => e.type === 'evidence_added') as unknown as Evt;
  expect(byHolder.actor.name).toBe('孙某');
  const list = expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${c.id}/attachments`, headers: area }), 200);
  expect(list.items[0].uploadedBy).toMatchObject({ role: 'party', name: maskName('孙某') });
});
