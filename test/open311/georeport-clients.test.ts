/**
 * Third-party GeoReport v2 clients from PyPI, used as they are, against the API listening on a
 * loopback port (scripts/install-tools.sh --open311 installs them; `npm test` does it in pretest):
 * - civicbot 0.4.0 (Python 3): lists the services, posts lat/long-only and address_string-only
 *   reports with a media_url, and reads their status without a key;
 * - three 0.8.0 (Code for America, Python 2.7 only): posts a report with a photo as the multipart
 *   `media` part, as it sends it, and reads it back. Skipped, saying so, on a machine without Python 2.7.
 * Media upload is also driven with inject (test/open311/media.test.ts), which runs everywhere.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { PROJECT_ROOT } from '../../config/paths';
import { apiOf } from '../helpers/api';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';
import { jpegWithGps, LATITUDE } from '../attachments/helpers';

const run = promisify(execFile);
const CIVICBOT_PYTHON = path.join(PROJECT_ROOT, '.tools/open311/bin/python');
const PY2_DIR = path.join(PROJECT_ROOT, '.tools/open311-py2');
const PY2 = existsSync(path.join(PY2_DIR, '.python'))
  ? readFileSync(path.join(PY2_DIR, '.python'), 'utf8').trim()
  : undefined;
if (!PY2)
  console.warn(
    'test/open311: three (the Python 2.7 client) SKIPPED — no Python 2.7 here, so install-tools.sh --open311 did not install it',
  );

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
let base: string;
beforeAll(async () => {
  if (!existsSync(CIVICBOT_PYTHON))
    throw new Error(
      'civicbot is not installed: run `bash scripts/install-tools.sh --open311` (npm test does it in pretest)',
    );
  sys = await startSystem();
  api = apiOf(sys);
  await sys.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(sys.app.server.address() as AddressInfo).port}/open311/v2`;
});
afterAll(() => sys?.close());

type Step =
  | { do: 'services' }
  | { do: 'post'; service_code: string; fields: object }
  | { do: 'get'; id: string }
  | { do: 'list'; ids: string[] };
async function civicbot(steps: Step[]): Promise<any[]> {
  const { stdout } = await run(
    CIVICBOT_PYTHON,
    [path.join(__dirname, 'clients/civicbot_client.py'), base, sys.apiKey, JSON.stringify(steps)],
    { timeout: 60_000 },
  );
  return JSON.parse(stdout);
}

it('civicbot lists the services, posts map-point and address-only reports, and reads their status without a key', async () => {
  const [services, byPoint, byAddress] = await civicbot([
    { do: 'services' },
    {
      do: 'post',
      service_code: 'noise',
      fields: {
        lat: 29.0414,
        lng: 111.6975,
        description: '夜间货梯噪音，影响老人休息。',
        first_name: '建国',
        last_name: '司马',
        phone: '13655554444',
        media_url: 'https://img.example.cn/open311/lift-noise.jpg',
      },
    },
    {
      do: 'post',
      service_code: 'neighbour',
      fields: { address_string: '津市市新堤社区第一网格12号', description: '邻居占用公共楼道。' },
    },
  ]);
  expect(services.map((s: { service_code: string }) => s.service_code)).toContain('noise');
  expect(byPoint).toEqual([
    expect.objectContaining({
      service_request_id: expect.any(String),
      service_notice: expect.stringMatching(/渔人调受字/),
    }),
  ]);
  expect(byAddress).toEqual([expect.objectContaining({ service_notice: expect.stringMatching(/堤人调受字/) })]);
  const pointId = byPoint[0].service_request_id as string;
  const addressId = byAddress[0].service_request_id as string;
  expect((await api.get(pointId)).originCode).toBe('yufuci-taoli');
  expect((await api.get(addressId)).originCode).toBe('xindi-g1');

  // The media_url is on the case's evidence list as a link.
  const evidence = expectStatus(
    await sys.app.inject({ url: `/api/v1/disputes/${pointId}/attachments`, headers: api.integrator }),
    200,
  );
  expect(evidence.items).toEqual([
    expect.objectContaining({ kind: 'link', url: 'https://img.example.cn/open311/lift-noise.jpg', source: 'open311' }),
  ]);

  // The case withdrawn by the integrator, the client reads it closed, without a key.
  await api.act(pointId, 'withdraw', { reason: '已自行协商解决' }, api.integrator);
  const [one, listed] = await civicbot([
    { do: 'get', id: pointId },
    { do: 'list', ids: [pointId, addressId] },
  ]);
  expect(one).toMatchObject({
    service_request_id: pointId,
    status: 'closed',
    status_notes: '已结案：当事人撤回',
    agency_responsible: '渔父祠社区人民调解委员会',
    service_notice: byPoint[0].service_notice,
  });
  expect(
    listed.map((r: { service_request_id: string; status: string }) => [r.service_request_id, r.status]).sort(),
  ).toEqual(
    [
      [pointId, 'closed'],
      [addressId, 'open'],
    ].sort(),
  );
  const text = JSON.stringify([one, listed]);
  for (const secret of ['13655554444', '司马', '建国', '货梯', '楼道', '12号', 'img.example.cn', '29.04'])
    expect(text).not.toContain(secret);

  // A place it cannot name: the spec's error list, as the client receives it.
  const [refused] = await civicbot([
    { do: 'post', service_code: 'noise', fields: { address_string: '某某大厦', description: '无法识别的地点' } },
  ]);
  expect(refused.error).toBe(400);
  expect(JSON.parse(refused.body)).toEqual([
    { code: 400, description: expect.stringMatching(/address_id.*lat\/long.*address_string[\s\S]*yufuci-taoli/) },
  ]);
});

(PY2 ? it : it.skip)(
  'three posts a photo as the multipart media part; it is kept as evidence without its location',
  async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fq-three-'));
    try {
      const photo = path.join(dir, 'leak.jpg');
      const jpeg = jpegWithGps();
      writeFileSync(photo, jpeg);
      const { stdout } = await run(
        PY2!,
        [path.join(__dirname, 'clients/three_client.py'), `${base}/`, sys.apiKey, photo],
        { timeout: 60_000, env: { ...process.env, PYTHONPATH: path.join(PY2_DIR, 'lib') } },
      );
      const result = JSON.parse(stdout);
      expect(result.status).toBe(201);
      const id = result.posted[0].service_request_id as string;
      expect(result.posted[0]).not.toHaveProperty('media_notice');
      expect(result.read[0]).toMatchObject({ service_request_id: id, status: 'open', status_notes: '待受理' });
      expect(JSON.stringify(result.read)).not.toMatch(/13700001111|Li|漏水|9栋/);
      expect((await api.get(id)).originCode).toBe('yufuci-taoli');

      const { items } = expectStatus(
        await sys.app.inject({ url: `/api/v1/disputes/${id}/attachments`, headers: api.integrator }),
        200,
      );
      expect(items).toEqual([
        expect.objectContaining({ kind: 'file', name: 'leak.jpg', mediaType: 'image/jpeg', source: 'open311' }),
      ]);
      const file = await sys.app.inject({
        url: `/api/v1/disputes/${id}/attachments/${items[0].id}`,
        headers: api.integrator,
      });
      expect(file.statusCode).toBe(200);
      expect(file.rawPayload.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
      expect(file.rawPayload.includes(LATITUDE)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
