/**
 * Open311 media as evidence (issue 22, items 1 and 5): `media_url` kept as a link (never fetched), a
 * multipart `media` file part stored through the attachment service (type by content, location
 * removed); a refused file does not undo the report; stray parts are refused; no temporary copy stays.
 */
import { readdirSync } from 'node:fs';
import http from 'node:http';
import fsPromises from 'node:fs/promises';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { apiOf } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { EXE, jpegWithGps, LATITUDE } from '../attachments/helpers';

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem();
  api = apiOf(sys);
});
afterAll(() => sys?.close());

type Part = { name: string; value: string } | { name: string; fileName: string; data: Buffer; type?: string };
function multipart(parts: Part[]) {
  const boundary = `----o311${Math.random().toString(16).slice(2)}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    if ('value' in p)
      chunks.push(
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`),
      );
    else
      chunks.push(
        Buffer.from(
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.fileName}"\r\nContent-Type: ${p.type ?? 'application/octet-stream'}\r\n\r\n`,
        ),
        p.data,
        Buffer.from('\r\n'),
      );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    method: 'POST' as const,
    url: '/open311/v2/requests.json',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    payload: Buffer.concat(chunks),
  };
}
const fields = (extra: Record<string, string> = {}): Part[] =>
  Object.entries({
    api_key: sys.apiKey,
    service_code: 'neighbour',
    address_id: 'yufuci-taoli',
    description: '楼上漏水',
    ...extra,
  }).map(([name, value]) => ({ name, value }));
const evidenceOf = async (id: string) =>
  expectStatus(await sys.app.inject({ url: `/api/v1/disputes/${id}/attachments`, headers: api.integrator }), 200).items;
const leftovers = () => readdirSync(tmpdir()).filter((f) => f.startsWith('fq-open311-'));

it('stores an uploaded photo as evidence, its location removed, and keeps media_url as a link it never fetches', async () => {
  // A listener the server must never call: media_url is a link, not a download.
  let fetched = 0;
  const trap = http.createServer((_req, res) => {
    fetched += 1;
    res.end();
  });
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
  const link = `http://127.0.0.1:${(trap.address() as AddressInfo).port}/photo.jpg`;
  try {
    const before = leftovers().length;
    // The file part first, the fields after it: clients send either order.
    const res = await sys.app.inject(
      multipart([
        { name: 'media', fileName: '漏水.jpg', data: jpegWithGps(), type: 'image/jpeg' },
        ...fields({ media_url: link }),
      ]),
    );
    const [created] = expectStatus(res, 201);
    expect(created).not.toHaveProperty('media_notice');
    const items = await evidenceOf(created.service_request_id);
    expect(items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'link', url: link, source: 'open311' }),
        expect.objectContaining({
          kind: 'file',
          name: '漏水.jpg',
          mediaType: 'image/jpeg',
          source: 'open311',
          sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        }),
      ]),
    );
    const file = items.find((a: { kind: string }) => a.kind === 'file');
    const bytes = await sys.app.inject({
      url: `/api/v1/disputes/${created.service_request_id}/attachments/${file.id}`,
      headers: api.integrator,
    });
    expect(bytes.rawPayload.includes(LATITUDE)).toBe(false);
    expect(fetched).toBe(0);
    expect(leftovers().length).toBe(before);
  } finally {
    trap.close();
  }
});

it('keeps the report when the file is refused, and says why', async () => {
  const [created] = expectStatus(
    await sys.app.inject(
      multipart([...fields(), { name: 'media', fileName: 'photo.jpg', data: EXE, type: 'image/jpeg' }]),
    ),
    201,
  );
  // Both in one assertion: a failure shows what was kept.
  expect({ created, items: await evidenceOf(created.service_request_id) }).toEqual({
    created: expect.objectContaining({ media_notice: expect.stringMatching(/media not kept/) }),
    items: [],
  });
  expect((await api.get(created.service_request_id)).channel).toBe('open311');
});

it('refuses a second file, a file under another name, and a multipart report without a key', async () => {
  const jpeg = jpegWithGps();
  const before = leftovers().length;
  const two = await sys.app.inject(
    multipart([
      ...fields(),
      { name: 'media', fileName: 'a.jpg', data: jpeg },
      { name: 'media', fileName: 'b.jpg', data: jpeg },
    ]),
  );
  expect(two.statusCode).toBe(400);
  expect(two.json()).toEqual([{ code: 400, description: expect.stringMatching(/one file part, named media/) }]);
  const other = await sys.app.inject(multipart([...fields(), { name: 'photo', fileName: 'a.jpg', data: jpeg }]));
  expect(other.statusCode).toBe(400);
  const noKey = await sys.app.inject(
    multipart([...fields().filter((p) => p.name !== 'api_key'), { name: 'media', fileName: 'a.jpg', data: jpeg }]),
  );
  expect(noKey.statusCode).toBe(403);
  expect(noKey.json()).toEqual([{ code: 403, description: expect.stringMatching(/api_key/) }]);
  // A wrong key given before the file: not a byte of the file reaches the disk (the key is checked first).
  const madeTemp = jest.spyOn(fsPromises, 'mkdtemp');
  const wrongKey = await sys.app.inject(
    multipart([...fields({ api_key: 'not-a-key' }), { name: 'media', fileName: 'a.jpg', data: jpeg }]),
  );
  expect(wrongKey.statusCode).toBe(403);
  expect(madeTemp).not.toHaveBeenCalled();
  madeTemp.mockRestore();
  // A multipart body without its boundary is the client's error, in the spec's form.
  const noBoundary = await sys.app.inject({
    method: 'POST',
    url: `/open311/v2/requests.json?api_key=${sys.apiKey}`,
    headers: { 'content-type': 'multipart/form-data' },
    payload: 'service_code=noise',
  });
  expect([noBoundary.statusCode, noBoundary.json()[0].code]).toEqual([400, 400]);
  const noPlace = await sys.app.inject(
    multipart([...fields().filter((p) => p.name !== 'address_id'), { name: 'media', fileName: 'a.jpg', data: jpeg }]),
  );
  expect(noPlace.statusCode).toBe(400);
  expect(noPlace.json()[0].description).toMatch(/address_id/);
  expect(leftovers().length).toBe(before);
});
