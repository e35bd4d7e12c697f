import { createHmac } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import net from 'node:net';

/** `sha256=<hex>` HMAC-SHA256 over `<timestamp>.<body>`: what receivers check (see README). */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** POSTs a JSON body signed with `secret`; resolves to the HTTP status. Network errors reject. */
export async function signedPost(url: string, secret: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  const timestamp = Math.floor(Date.now() / 1000).toString();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Fengqiao-Webhooks/1',
      'x-fengqiao-timestamp': timestamp,
      'x-fengqiao-signature': signature(secret, timestamp, body),
      ...headers,
    },
    body,
    redirect: 'manual', // a redirect could lead anywhere, past the address check
    signal: AbortSignal.timeout(10_000),
  });
  await res.body?.cancel();
  return res.status;
}

function isPrivate(address: string): boolean {
  if (net.isIPv4(address)) {
    const [a = 0, b = 0] = address.split('.').map(Number);
    return a === 10 || a === 127 || a === 0 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || a >= 224;
  }
  const v6 = address.toLowerCase();
  if (v6.startsWith('::ffff:')) return isPrivate(v6.slice(7));
  return v6 === '::1' || v6 === '::' || v6.startsWith('fc') || v6.startsWith('fd') || v6.startsWith('fe80');
}

/**
 * Refuses targets that resolve to loopback, private, link-local or multicast addresses (no SSRF into
 * the operator's network), unless the configuration allows them. Returns the reason, or undefined.
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
  const addresses = net.isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) return `${host} does not resolve`;
  if (addresses.some(isPrivate)) return `${host} resolves to a private or loopback address`;
  return undefined;
}
