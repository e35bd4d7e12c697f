/**
 * The verification code of a sealed agreement (核验码): printed on the agreement and its signing
 * certificate, and carried by the certificate's QR code, it is what the public verification asks for
 * besides the agreement's number, so that sequential numbers cannot be enumerated.
 *
 * Derived, not stored: HMAC-SHA256 of the number under a key of the installation (kept in the
 * database, see db/verification-key.ts), its first 100 bits in Crockford base32, 20 characters in
 * groups of five (`7KQ3M-2XJ9R-…`). Every process that seals or verifies derives the same code, a
 * re-printed certificate carries it again, and agreements sealed before codes existed have one too.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 20 characters of 5 bits: 100 bits, out of reach of guessing at any rate the API answers. */
const LENGTH = 20;

/** The code of agreement `number` under `key`, as printed. */
export function verificationCode(key: Buffer, number: string): string {
  const mac = createHmac('sha256', key).update(`fengqiao-agreement-verification:v1:${number}`).digest();
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of mac) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < LENGTH) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === LENGTH) break;
  }
  return out.match(/.{5}/g)!.join('-');
}

/** A code as typed or scanned, in canonical form: no separators, upper case, O→0 and I, L→1 (Crockford). */
export function normalizeCode(given: string): string {
  return given.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

/** Whether `given` is the code of agreement `number` (compared in constant time). */
export function codeMatches(key: Buffer, number: string, given: string | undefined): boolean {
  if (!given) return false;
  const want = Buffer.from(normalizeCode(verificationCode(key, number)));
  const got = Buffer.from(normalizeCode(given));
  return want.length === got.length && timingSafeEqual(want, got);
}

/**
 * The address printed on a signing certificate and in its QR code (GET /api/v1/agreements/{number}/verify):
 * the number, its code and the seal's hash, under the API's public address.
 */
export function verificationUrl(publicUrl: string, number: string, code: string, sha256: string): string {
  return `${publicUrl}/api/v1/agreements/${encodeURIComponent(number)}/verify?code=${encodeURIComponent(code)}&sha256=${sha256}`;
}
