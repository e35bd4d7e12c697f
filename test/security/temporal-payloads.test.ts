/**
 * Personal data out of Temporal (issue 20, item 5): a case's workflow history held the parties'
 * names, phones and identity numbers in clear, for anyone with the Temporal UI or CLI. Every payload
 * is now encrypted (temporal/codec.ts, AES-256-GCM, the key id in its metadata): the history as
 * Temporal stores it holds none of them, the codec reads them back, an administrator reads them
 * through /codec (the Temporal UI's and CLI's codec server) and nobody else can, and a new key
 * becomes current without breaking open cases.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { Worker } from '@temporalio/worker';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import type { PayloadKeys } from '../../config/payload-keys';
import { AesGcmPayloadCodec } from '../../temporal/codec';
import { temporalCliPath } from '../../temporal/tools';
import { workflowIdFor } from '../../workflows/dispute.messages';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { TEST_PAYLOAD_KEYS } from '../helpers/payload-keys';
import {
  encodingOf,
  keyIdOf,
  payloadsOf,
  rawHistory,
  textOf,
  toPayload,
  type PayloadJson,
} from '../helpers/raw-history';
import { expectStatus, startSystem, type TestSystem } from '../helpers/system';

const PHONE = '13812345678';
const ID_NUMBER = '430702199001011234';
const NAME = '欧阳明珠';
const UI = 'http://127.0.0.1:8233';

const report = () => {
  const base = taoliLiftNoise();
  return {
    ...base,
    description: `${base.description}联系电话 ${PHONE}。`,
    parties: [{ ...base.parties[0], name: NAME, phone: PHONE, idNumber: ID_NUMBER }, base.parties[1]],
  };
};

let sys: TestSystem;
let api: ReturnType<typeof apiOf>;
beforeAll(async () => {
  sys = await startSystem({ config: { codecCorsOrigins: [UI] } });
  api = apiOf(sys);
});
afterAll(() => sys?.close());

/** A case reported with the party's phone and identity number, taken through a few actions. */
async function caseWithPersonalData(a: ReturnType<typeof apiOf>): Promise<string> {
  const created = await a.create(report());
  const mediator = await a.as('mediator@yufuci-community');
  await a.act(created.id, 'accept', { note: `已电话联系 ${NAME}` }, mediator);
  await a.act(created.id, 'add-note', { text: `${NAME} 身份证 ${ID_NUMBER}，电话 ${PHONE}` }, mediator);
  await a.act(created.id, 'suspend', { reason: `等待 ${NAME} 提供票据` }, mediator);
  await a.act(created.id, 'resume', { note: '票据已提供' }, mediator);
  return workflowIdFor(created.id);
}

const decodedText = async (codec: AesGcmPayloadCodec, payloads: PayloadJson[]) =>
  (await codec.decode(payloads.map(toPayload))).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join('\n');

/** Headers that hold ids, never case data: telemetry/headers.ts and the OpenTelemetry interceptors'. */
const ID_HEADERS = ['fengqiao-request-id', '_tracer-data'];

/**
 * The history's payloads but its headers, which Temporal's codec does not encode: only the two the
 * system sends may appear, and they carry ids only (the request id as X-Request-Id allows it, the
 * trace context); no other header may appear in clear.
 */
function caseDataPayloads(history: Parameters<typeof payloadsOf>[0]): PayloadJson[] {
  const all = payloadsOf(history);
  const headerName = (path: string) => /\.header\.fields\.([^.[]+)$/.exec(path)?.[1];
  const headers = all.filter((p) => headerName(p.path) !== undefined);
  expect([...new Set(headers.map((h) => headerName(h.path)))].filter((n) => !ID_HEADERS.includes(n!))).toEqual([]);
  for (const h of headers)
    expect(Buffer.from(h.payload.data ?? '', 'base64').toString('utf8')).toMatch(
      /^("[A-Za-z0-9._:@+=-]{1,128}"|\{.*\})$/,
    );
  return all.filter((p) => headerName(p.path) === undefined).map((p) => p.payload);
}
let workflowId: string;
let payloads: PayloadJson[];

it('the history Temporal stores holds no phone, identity number or party name; the codec reads them back', async () => {
  workflowId = await caseWithPersonalData(api);
  const history = await rawHistory(sys.client, workflowId);
  payloads = caseDataPayloads(history);
  expect(payloads.length).toBeGreaterThan(10);
  expect(new Set(payloads.map(encodingOf))).toEqual(new Set(['binary/encrypted']));
  expect(new Set(payloads.map(keyIdOf))).toEqual(new Set([TEST_PAYLOAD_KEYS.current]));

  const stored = textOf(history);
  expect(stored).not.toContain(PHONE);
  expect(stored).not.toContain(ID_NUMBER);
  expect(stored).not.toContain(NAME);

  const clear = await decodedText(new AesGcmPayloadCodec(TEST_PAYLOAD_KEYS), payloads);
  expect(clear).toContain(PHONE);
  expect(clear).toContain(ID_NUMBER);
  expect(clear).toContain(NAME);
});

describe('/codec, for the Temporal UI and CLI', () => {
  const decode = (headers: Record<string, string>, body: unknown = { payloads }) =>
    sys.app.inject({ method: 'POST', url: '/codec/decode', headers, payload: body as object });

  it('decodes the history for an administrator, and for nobody else', async () => {
    const admin = await api.as('admin');
    const answer = expectStatus<{ payloads: PayloadJson[] }>(await decode(admin), 200);
    const clear = answer.payloads.map((p) => Buffer.from(p.data ?? '', 'base64').toString('utf8')).join('\n');
    expect(clear).toContain(PHONE);
    expect(clear).toContain(ID_NUMBER);
    expect(answer.payloads.every((p) => encodingOf(p) !== 'binary/encrypted')).toBe(true);

    for (const user of ['mediator@yufuci-community', 'supervisor@wangjiaqiao-street', 'rep@safety-station']) {
      const res = await decode(await api.as(user));
      expect([user, res.statusCode]).toEqual([user, 403]);
      expect(res.body).not.toContain(PHONE);
    }
    expect((await decode(api.integrator)).statusCode).toBe(403);
    expect((await decode({})).statusCode).toBe(401);

    // The console's session cookie (the UI's "include cross-origin credentials"), an admin's only.
    const cookie = (headers: Record<string, string>) => ({ cookie: `fq_session=${headers.authorization!.slice(7)}` });
    expect((await decode(cookie(admin))).statusCode).toBe(200);
    expect((await decode(cookie(await api.as('mediator@yufuci-community')))).statusCode).toBe(403);

    // Another namespace's payloads are not this codec's.
    expect((await decode({ ...admin, 'x-namespace': 'other' })).statusCode).toBe(400);
    expect((await decode({ ...admin, 'x-namespace': 'default' })).statusCode).toBe(200);
  });

  it('encodes what it is given with the current key, and decodes it back', async () => {
    const admin = await api.as('admin');
    const clear = { metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'eyJhIjoxfQ==' };
    const encoded = expectStatus<{ payloads: PayloadJson[] }>(
      await sys.app.inject({ method: 'POST', url: '/codec/encode', headers: admin, payload: { payloads: [clear] } }),
      200,
    ).payloads;
    expect([encodingOf(encoded[0]!), keyIdOf(encoded[0]!)]).toEqual(['binary/encrypted', TEST_PAYLOAD_KEYS.current]);
    const back = expectStatus<{ payloads: PayloadJson[] }>(await decode(admin, { payloads: encoded }), 200).payloads;
    expect(back).toEqual([clear]);
    // A payload altered in Temporal's store is refused, not decoded into something else.
    const data = Buffer.from(encoded[0]!.data!, 'base64');
    data[20] = data[20]! ^ 1;
    const altered = await decode(admin, { payloads: [{ ...encoded[0], data: data.toString('base64') }] });
    expect(altered.statusCode).toBe(400);
  });

  it("answers the Temporal UI's origin with CORS, and no other", async () => {
    const preflight = (origin: string) =>
      sys.app.inject({
        method: 'OPTIONS',
        url: '/codec/decode',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-namespace' },
      });
    const ok = await preflight(UI);
    expect(ok.statusCode).toBe(204);
    expect(ok.headers).toMatchObject({
      'access-control-allow-origin': UI,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'POST',
    });
    expect(String(ok.headers['access-control-allow-headers'])).toContain('x-namespace');
    const other = await preflight('https://evil.example');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    // A refusal reaches the UI too, so it can say why.
    const refused = await decode({ origin: UI });
    expect([refused.statusCode, refused.headers['access-control-allow-origin']]).toEqual([401, UI]);
  });

  it('lets the Temporal CLI show a real history in clear (temporal workflow show --codec-endpoint)', async () => {
    await sys.app.listen({ port: 0, host: '127.0.0.1' });
    const port = (sys.app.server.address() as AddressInfo).port;
    const admin = await api.as('admin');
    const show = async (...extra: string[]) =>
      (
        await promisify(execFile)(
          temporalCliPath(),
          [
            'workflow',
            'show',
            '--address',
            sys.temporalAddress,
            '--workflow-id',
            workflowId,
            '--output',
            'json',
            ...extra,
          ],
          { maxBuffer: 64 * 1024 * 1024 },
        )
      ).stdout;
    const withCodec = await show(
      '--codec-endpoint',
      `http://127.0.0.1:${port}/codec`,
      '--codec-auth',
      admin.authorization!,
    );
    expect(textOf(JSON.parse(withCodec))).toContain(PHONE);
    expect(textOf(JSON.parse(withCodec))).toContain(NAME);
    const without = await show();
    expect(textOf(JSON.parse(without))).not.toContain(PHONE);
  });
});

describe('key rotation', () => {
  const key = (id: string, byte: number): [string, Buffer] => [id, Buffer.alloc(32, byte)];
  const A: PayloadKeys = { current: 'key-a', keys: new Map([key('key-a', 1)]) };
  const AB: PayloadKeys = { current: 'key-b', keys: new Map([key('key-a', 1), key('key-b', 2)]) };
  const onlyB: PayloadKeys = { current: 'key-b', keys: new Map([key('key-b', 2)]) };

  it('a case started under key A continues once key B is current; its history holds both, and decodes', async () => {
    const taskQueue = `rotation-${Date.now()}`;
    const before = await startSystem({ payloadKeys: A, taskQueue });
    let id: string;
    try {
      const a = apiOf(before);
      id = (await a.create(report())).id;
      await a.act(id, 'accept', {}, await a.as('mediator@yufuci-community'));
    } finally {
      await before.close();
    }
    // Every process restarted with PAYLOAD_KEYS=key-a:…,key-b:… and PAYLOAD_KEY_ID=key-b.
    const after = await startSystem({ payloadKeys: AB, taskQueue });
    try {
      const b = apiOf(after);
      const mediator = await b.as('mediator@yufuci-community');
      await b.act(id, 'add-note', { text: `${NAME} 补充材料` }, mediator);
      const suspended = await b.act(id, 'suspend', { reason: '等待材料' }, mediator);
      expect(suspended.allowedActions).toContain('resume');

      const history = await rawHistory(after.client, workflowIdFor(id));
      const all = caseDataPayloads(history);
      expect(new Set(all.map(keyIdOf))).toEqual(new Set(['key-a', 'key-b']));
      expect(textOf(history)).not.toContain(PHONE);
      const clear = await decodedText(new AesGcmPayloadCodec(AB), all);
      expect(clear).toContain(PHONE);
      // Key A is still needed: without it the old payloads do not decode.
      await expect(new AesGcmPayloadCodec(onlyB).decode(all.map(toPayload))).rejects.toThrow(/key-a/);
      // And the history replays against today's code with both keys.
      await Worker.runReplayHistory(
        {
          workflowBundle: { codePath: process.env.FENGQIAO_TEST_BUNDLE! },
          dataConverter: { payloadCodecs: [new AesGcmPayloadCodec(AB)] },
        },
        historyFromJSON(history),
        'rotation',
      );
    } finally {
      await after.close();
    }
  });

  it('passes payloads from before the codec through unchanged', async () => {
    const clear = toPayload({ metadata: { encoding: Buffer.from('json/plain').toString('base64') }, data: 'e30=' });
    expect(await new AesGcmPayloadCodec(AB).decode([clear])).toEqual([clear]);
  });
});
