/**
 * Which network addresses the system may send a request to on someone else's say-so (webhook and
 * notice targets): public unicast only, never the operator's own network. Parsed with ipaddr.js and
 * classified by its range tables, not matched against a list of patterns: an IPv6 address that
 * carries an IPv4 one (IPv4-mapped, IPv4-compatible, SIIT, NAT64, 6to4) is judged by the IPv4 address
 * it carries, and every other range that is not global unicast is refused, whatever its spelling.
 */
import ipaddr from 'ipaddr.js';

/** The IPv4 address in its last 32 bits. */
const last32 = (p: number[]): ipaddr.IPv4 => new ipaddr.IPv4([p[6]! >> 8, p[6]! & 255, p[7]! >> 8, p[7]! & 255]);

/**
 * The IPv4 address an IPv6 address stands for, where its form embeds one that a packet to it reaches
 * (or a translator or tunnel on the way does): ::ffff:a.b.c.d, ::ffff:0:a.b.c.d, ::a.b.c.d (the
 * deprecated IPv4-compatible form, `::` and `::1` included), 64:ff9b::a.b.c.d, 2002:aabb:ccdd::.
 */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | undefined {
  const p = address.parts;
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
      return last32(p);
    case 'rfc6052':
      // The well-known NAT64 prefix 64:ff9b::/96 only; the local-use 64:ff9b:1::/48 stays refused below.
      return p[2] === 0 && p[3] === 0 && p[4] === 0 && p[5] === 0 ? last32(p) : undefined;
    case '6to4':
      return new ipaddr.IPv4([p[1]! >> 8, p[1]! & 255, p[2]! >> 8, p[2]! & 255]);
    default:
      return p.slice(0, 6).every((part) => part === 0) ? last32(p) : undefined;
  }
}

/** Global unicast IPv6 space (RFC 4291 §2.4): everything assigned for the Internet lies in 2000::/3. */
const GLOBAL_UNICAST_V6 = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Why the system must not connect to `address` (a literal IPv4 or IPv6 address, as a URL or DNS
 * gives it): the name of its range (`loopback`, `private`, `linkLocal`, `uniqueLocal`, `teredo`, …),
 * or `invalid`; undefined when it is a public unicast address.
 */
export function refusedAddress(address: string): string | undefined {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/^\[|\]$/g, ''));
  } catch {
    return 'invalid';
  }
  if (parsed.kind() === 'ipv6') {
    const v6 = parsed as ipaddr.IPv6;
    const inner = embeddedIPv4(v6);
    if (inner) {
      const range = inner.range();
      return range === 'unicast' ? undefined : `${range} (${v6.range() === 'unicast' ? 'ipv4Compatible' : v6.range()})`;
    }
    const range = v6.range();
    if (range !== 'unicast') return range;
    return v6.match(GLOBAL_UNICAST_V6) ? undefined : 'notGlobal';
  }
  const range = (parsed as ipaddr.IPv4).range();
  return range === 'unicast' ? undefined : range;
}

/** Whether the system may connect to `address` (see refusedAddress). */
export const isPublicAddress = (address: string): boolean => refusedAddress(address) === undefined;
