import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) =>
    scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))),
  );

/**
 * OWASP's scrypt parameters (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1, which takes
 * 128 MiB and, on one core of the test machine, about 0.6 s per hash. Hashes stored with weaker
 * parameters keep verifying and are rehashed at the next successful login (`needsRehash`).
 */
export const SCRYPT = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEYLEN = 32;
/** Node refuses scrypt above 32 MiB unless told: room for the largest parameters accepted. */
const MAX_N = 2 ** 20;
const maxmemFor = (N: number, r: number, p: number): number => 128 * N * r + 128 * r * p + 1024 * 1024;

interface Parsed {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  hash: Buffer;
}

function parse(stored: string): Parsed | undefined {
  const [scheme, n, r, p, salt, hash, ...rest] = stored.split('$');
  const N = Number(n);
  const params = { N, r: Number(r), p: Number(p) };
  if (scheme !== 'scrypt' || !salt || !hash || rest.length) return undefined;
  // N a power of two up to 2^20; r and p small: a stored hash cannot make verification eat the machine.
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0) return undefined;
  if (!Number.isInteger(params.r) || params.r < 1 || params.r > 32) return undefined;
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > 16) return undefined;
  return { ...params, salt: Buffer.from(salt, 'base64url'), hash: Buffer.from(hash, 'base64url') };
}

/** `scrypt$N$r$p$salt$hash`, base64url parts. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const { N, r, p } = SCRYPT;
  const key = await scrypt(password, salt, KEYLEN, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed || parsed.hash.length < 16) return false;
  const { N, r, p } = parsed;
  const key = await scrypt(password, parsed.salt, parsed.hash.length, { N, r, p, maxmem: maxmemFor(N, r, p) });
  return key.length === parsed.hash.length && timingSafeEqual(key, parsed.hash);
}

/** Whether a stored hash was made with weaker parameters than today's (rehash it on the next login). */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.N < SCRYPT.N || parsed.r < SCRYPT.r || parsed.p < SCRYPT.p || parsed.hash.length < KEYLEN;
}

/**
 * A hash of no password at today's parameters: verified against when the username is unknown, so that
 * the answer takes as long as for a known one.
 */
export const DUMMY_PASSWORD_HASH = `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

export const sha256Hex = (value: string | Buffer): string => createHash('sha256').update(value).digest('hex');

/** Secrets handed to clients: a recognisable prefix and 32 random bytes. Only the SHA-256 is stored. */
export const API_KEY_PREFIX = 'fq_live_';
export const STAFF_TOKEN_PREFIX = 'fq_staff_';

export function newSecret(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** The part of a key shown in listings to recognise it (never enough to use it). */
export const visiblePrefix = (secret: string): string => secret.slice(0, 14);
