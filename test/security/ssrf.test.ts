/**
 * Webhook targets (SSRF): the address the system connects to must be public unicast, judged by
 * parsing it (security/addresses.ts, ipaddr.js), not by a list of patterns. The IPv6 spellings the
 * review found passing the old list (`[::127.0.0.1]`, `[::7f00:1]`, `fec0::1`, `100::1`,
 * `::ffff:0:a00:1`, `64:ff9b:1::a00:1`) are refused at registration, and the address actually
 * dialled is checked when a delivery connects: a name that resolved publicly when it was registered
 * and to loopback when it is called (DNS rebinding) gets nowhere.
 */
import dns from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { refusedTarget, signedPost } from '../../activities/signed-post';
import { WebhookDelivery } from '../../db/entities';
import { refusedAddress } from '../../security/addresses';
import { apiOf } from '../helpers/api';
import { taoliLiftNoise } from '../helpers/fixtures';
import { eventually, expectStatus, startSystem, type TestSystem } from '../helpers/system';

/** The forms the review found accepted, each naming what it stands for. */
const FOUND: Array<[string, string]> = [
  ['http://[::127.0.0.1]/hook', 'IPv4-compatible loopback'],
  ['http://[::7f00:1]/hook', 'IPv4-compatible loopback, hex'],
  ['http://[fec0::1]/hook', 'site-local'],
  ['http://[100::1]/hook', 'discard-only'],
  ['http://[::ffff:0:a00:1]/hook', 'SIIT-translated 10.0.0.1'],
  ['http://[64:ff9b:1::a00:1]/hook', 'local-use NAT64 of 10.0.0.1'],
];

describe('the address check (a table of forms)', () => {
  it.each<[string, string]>([
    ...FOUND,
    ['http://[::]/hook', 'unspecified'],
    ['http://[::1]/hook', 'loopback'],
    ['http://[::ffff:127.0.0.1]/hook', 'IPv4-mapped loopback'],
    ['http://[::ffff:a9fe:a9fe]/latest/meta-data', 'IPv4-mapped link-local (cloud metadata)'],
    ['http://[64:ff9b::a9fe:a9fe]/hook', 'NAT64 of the metadata address'],
    ['http://[2002:a00:1::]/hook', '6to4 of 10.0.0.1'],
    ['http://[2002:7f00:1::]/hook', '6to4 of 127.0.0.1'],
    ['http://[2001::1]/hook', 'Teredo'],
    ['http://[2001:db8::1]/hook', 'documentation'],
    ['http://[fd00:ec2::254]/hook', 'unique local (a cloud metadata service)'],
    ['http://[fe80::1]/hook', 'link-local'],
    ['http://[ff02::1]/hook', 'multicast'],
    ['http://[4000::1]/hook', 'outside global unicast (2000::/3)'],
    ['http://0.0.0.0/hook', 'this network'],
    ['http://127.0.0.1/hook', 'loopback'],
    ['http://0x7f000001/hook', 'loopback, one hex number'],
    ['http://10.1.2.3/hook', 'private'],
    ['http://100.64.0.1/hook', 'shared address space'],
    ['http://169.254.169.254/latest/meta-data', 'link-local (cloud metadata)'],
    ['http://192.0.0.170/hook', 'IETF protocol assignments'],
    ['http://198.18.0.1/hook', 'benchmarking'],
    ['http://240.0.0.1/hook', 'reserved'],
    ['http://255.255.255.255/hook', 'broadcast'],
  ])('refuses %s (%s)', async (url, _what) => {
    expect(await refusedTarget(url, false)).toMatch(/private or loopback/);
    expect(refusedAddress(new URL(url).hostname)).toEqual(expect.any(String));
  });

  it.each<[string, string]>([
    ['https://93.184.216.34/hook', 'public IPv4'],
    ['https://[2001:4860:4860::8888]/hook', 'public IPv6'],
    ['https://[::ffff:8.8.8.8]/hook', 'IPv4-mapped public'],
    ['https://[64:ff9b::808:808]/hook', 'NAT64 of a public address'],
  ])('accepts %s (%s)', async (url, _what) => {
    expect(await refusedTarget(url, false)).toBeUndefined();
    expect(refusedAddress(new URL(url).hostname)).toBeUndefined();
  });

  it('refuses what does not parse', () => {
    expect(refusedAddress('not-an-address')).toBe('invalid');
  });
});

describe('through webhook registration and delivery, with private targets refused', () => {
  const REBIND = 'rebind.fengqiao.test';
  const received: string[] = [];
  let receiver: http.Server;
  let port: number;
  let strict: TestSystem;
  let platform: Record<string, string>;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      received.push(req.url ?? '');
      res.end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    port = (receiver.address() as AddressInfo).port;
    strict = await startSystem({ webhooksToPrivateAddresses: false });
    const key = expectStatus(
      await strict.app.inject({
        method: 'POST',
        url: '/api/v1/admin/api-keys',
        headers: await apiOf(strict).as('admin'),
        payload: { name: 'ssrf test platform' },
      }),
      201,
    );
    platform = { authorization: `Bearer ${key.key}` };
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await strict?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it.each(FOUND)('refuses to register %s (%s): 400 naming the URL', async (url, _what) => {
    const res = await strict.app.inject({
      method: 'POST',
      url: '/api/v1/webhooks',
      headers: platform,
      payload: { url, events: ['received'] },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([{ field: 'body/url', message: expect.stringMatching(/private or loopback/) }]);
  });

  it('dials only the address it checked: a name rebound to loopback after registration gets nothing', async () => {
    // The name answers a public address while it is registered (and checked again before each
    // delivery), and loopback in a form the old list let through when the delivery connects.
    const lookup = dns.lookup;
    const promisesLookup = dns.promises.lookup;
    jest
      .spyOn(dns.promises, 'lookup')
      .mockImplementation(((host: string, options: object) =>
        host === REBIND
          ? Promise.resolve([{ address: '93.184.216.34', family: 4 }])
          : promisesLookup(host, options as dns.LookupAllOptions)) as never);
    type Answer = (err: null, address: string | dns.LookupAddress[], family?: number) => void;
    jest.spyOn(dns, 'lookup').mockImplementation(((host: string, options: object, callback: Answer) => {
      if (host !== REBIND) return lookup(host, options as dns.LookupAllOptions, callback as never);
      const answer = [{ address: '::127.0.0.1', family: 6 }];
      process.nextTick(() =>
        (options as { all?: boolean }).all ? callback(null, answer) : callback(null, answer[0]!.address, 6),
      );
    }) as never);

    const url = `http://${REBIND}:${port}/events`;
    await expect(signedPost(url, 'secret', '{}', {}, { allowPrivate: false })).rejects.toThrow(
      /resolves only to refused addresses/,
    );
    const sub = expectStatus(
      await strict.app.inject({
        method: 'POST',
        url: '/api/v1/webhooks',
        headers: platform,
        payload: { url, events: ['received'] },
      }),
      201,
    );
    await apiOf(strict).create({ ...taoliLiftNoise(), title: 'DNS 重绑定测试' }, platform);
    const delivery = await eventually(
      async () => {
        const row = await strict.orm.em.fork().findOne(WebhookDelivery, { subscriptionId: sub.id });
        return row && row.attempts > 0 ? row : undefined;
      },
      20_000,
      'a delivery attempt',
    );
    // It never connected: refused before dialling, not a network failure on the way.
    expect(delivery.status).not.toBe('delivered');
    expect(delivery.lastError).toMatch(/resolves only to refused addresses/);
    expect(received).toEqual([]);
  });
});
