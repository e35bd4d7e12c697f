import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

/** `sha256=<hex>` HMAC-SHA256 over `<timestamp>.<body>`: what receivers check (see README). */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

// Loopback, private, shared, link-local (cloud metadata), multicast and reserved ranges, and the
// IPv6 forms that embed an IPv4 address (mapped, NAT64, 6to4), which could smuggle one of them.
// Two lists: Node's BlockList matches an IPv4 address against IPv6 rules through its mapped form
// (::ffff:a.b.c.d), so one list holding ::ffff:0:0/96 would refuse every IPv4 address.
const BLOCKED = new net.BlockList();
const BLOCKED6 = new net.BlockList();
for (const [net4, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  BLOCKED.addSubnet(net4, bits, 'ipv4');
}
for (const [net6, bits] of [
  ['::', 127], // :: and ::1
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  BLOCKED6.addSubnet(net6, bits, 'ipv6');
}

export function isBlockedAddress(address: string): boolean {
  if (net.isIPv4(address)) return BLOCKED.check(address, 'ipv4');
  // An IPv6 address: its own ranges, and the IPv4 ranges (which Node also matches in mapped form).
  if (net.isIPv6(address)) return BLOCKED6.check(address, 'ipv6') || BLOCKED.check(address, 'ipv6');
  return true;
}

/** A DNS lookup for the connection itself that refuses blocked addresses (no DNS-rebinding window). */
function guardedLookup(allowPrivate: boolean): net.LookupFunction {
  return (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 4);
      const list = addresses as unknown as dns.LookupAddress[];
      const usable = allowPrivate ? list : list.filter((a) => !isBlockedAddress(a.address));
      if (usable.length === 0)
        return callback(
          Object.assign(new Error(`${hostname} resolves only to refused addresses`), { code: 'EREFUSED' }),
          '',
          4,
        );
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, usable);
      return callback(null, usable[0]!.address, usable[0]!.family);
    });
  };
}

/** POSTs a JSON body signed with `secret`; resolves to the HTTP status. Network errors reject. */
export function signedPost(
  url: string,
  secret: string,
  body: string,
  headers: Record<string, string> = {},
  opts: { allowPrivate?: boolean } = {},
): Promise<number> {
  const target = new URL(url);
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const allowPrivate = opts.allowPrivate ?? true;
  if (
    !allowPrivate &&
    net.isIP(target.hostname.replace(/^\[|\]$/g, '')) &&
    isBlockedAddress(target.hostname.replace(/^\[|\]$/g, ''))
  ) {
    return Promise.reject(new Error(`${target.hostname} is a refused address`));
  }
  const client = target.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'Fengqiao-Webhooks/1',
          'x-fengqiao-timestamp': timestamp,
          'x-fengqiao-signature': signature(secret, timestamp, body),
          ...headers,
        },
        lookup: guardedLookup(allowPrivate),
        timeout: 10_000,
      },
      (res) => {
        res.resume(); // the answer's body is not read; redirects are not followed
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Refuses targets that resolve to loopback, private, link-local or multicast addresses (no SSRF into
 * the operator's network), unless the configuration allows them. Returns the reason, or undefined.
 * The connection itself checks again (see guardedLookup), so a name that changes its address later
 * is still refused.
 */
export async function refusedTarget(url: string, allowPrivate: boolean): Promise<string | undefined> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'not a valid URL';
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'only http and https targets';
  if (parsed.username || parsed.password) return 'no credentials in the URL';
  if (allowPrivate) return undefined;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = net.isIP(host)
    ? [host]
    : (await dns.promises.lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) return `${host} does not resolve`;
  if (addresses.some(isBlockedAddress)) return `${host} resolves to a private or loopback address`;
  return undefined;
}
