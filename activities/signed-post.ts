import { createHmac } from 'node:crypto';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { refusedAddress } from '../security/addresses';

/** `sha256=<hex>` HMAC-SHA256 over `<timestamp>.<body>`: what receivers check (see README). */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Whether `address` (an IP literal) is one the system must not connect to: anything but public
 * unicast, judged by security/addresses.ts (ipaddr.js's range tables, with the IPv4 address that an
 * IPv6 form carries unwrapped), not by a list of patterns.
 */
export function isBlockedAddress(address: string): boolean {
  return refusedAddress(address) !== undefined;
}

/**
 * The DNS lookup of the connection itself: it hands the socket only the addresses that pass the check,
 * so the address actually dialled is the one checked (a name that answers a public address when the
 * target is registered and a private one when it is called — DNS rebinding — gets nowhere).
 */
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
  // An IP literal is dialled without a lookup: it is checked here instead.
  const literal = target.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && net.isIP(literal) && isBlockedAddress(literal)) {
    return Promise.reject(
      Object.assign(new Error(`${target.hostname} is a refused address (${refusedAddress(literal)})`), {
        code: 'EREFUSED',
      }),
    );
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
  const refused = addresses.map(refusedAddress).find((why) => why !== undefined);
  if (refused) return `${host} resolves to a private or loopback address (${refused})`;
  return undefined;
}
