/**
 * The keys of the Temporal payload codec (temporal/codec.ts): AES-256 keys by id.
 *
 * PAYLOAD_KEYS lists them as `id:base64key,id:base64key` (32 random bytes each: `openssl rand
 * -base64 32`) and PAYLOAD_KEY_ID names the one new payloads are encrypted with; every listed key
 * still decrypts what it encrypted, so a key is rotated by adding a new one, making it current, and
 * dropping the old one only once no open case's history needs it.
 *
 * Without PAYLOAD_KEYS, outside production, one key is generated on first use into the data folder
 * (`payload-keys.json`, beside Temporal's store whose payloads it encrypts; `npm run reset` moves both
 * aside). With NODE_ENV=production PAYLOAD_KEYS is required: every API and worker process must hold
 * the same keys, which a key generated on one machine is not.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface PayloadKeys {
  /** The id of the key new payloads are encrypted with. */
  current: string;
  /** Every key that may decrypt a payload, by id (32 bytes each). */
  keys: ReadonlyMap<string, Buffer>;
}

/** Written into a payload's metadata in clear: letters, digits, `.`, `_`, `-`. */
const KEY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;
export const PAYLOAD_KEY_BYTES = 32;
export const PAYLOAD_KEYS_FILE = 'payload-keys.json';

/**
 * PAYLOAD_KEYS and PAYLOAD_KEY_ID, each problem pushed to `problems` (in the words of config/env.ts,
 * never quoting key material); undefined when PAYLOAD_KEYS is unset.
 */
export function parsePayloadKeys(
  list: string | undefined,
  currentId: string | undefined,
  problems: string[],
): PayloadKeys | undefined {
  const current = currentId?.trim() || undefined;
  if (!list?.trim()) {
    if (current) problems.push('PAYLOAD_KEY_ID 需与 PAYLOAD_KEYS 一起设置 / PAYLOAD_KEY_ID needs PAYLOAD_KEYS');
    return undefined;
  }
  const keys = new Map<string, Buffer>();
  const before = problems.length;
  for (const [i, item] of list.split(',').entries()) {
    const colon = item.indexOf(':');
    const id = (colon < 0 ? '' : item.slice(0, colon)).trim();
    const material = item.slice(colon + 1).trim();
    if (!KEY_ID.test(id)) {
      problems.push(
        `PAYLOAD_KEYS 第 ${i + 1} 项须为 id:base64密钥，id 由字母、数字、.、_、- 组成 / PAYLOAD_KEYS item ${i + 1} must be id:base64key, the id of letters, digits, '.', '_' or '-'`,
      );
      continue;
    }
    if (keys.has(id)) {
      problems.push(`PAYLOAD_KEYS 中密钥 ${id} 重复 / PAYLOAD_KEYS lists key ${id} twice`);
      continue;
    }
    const bytes = BASE64.test(material) || BASE64URL.test(material) ? Buffer.from(material, 'base64') : undefined;
    if (bytes?.length !== PAYLOAD_KEY_BYTES) {
      problems.push(
        `PAYLOAD_KEYS 中密钥 ${id} 须为 base64 编码的 32 字节（openssl rand -base64 32）/ PAYLOAD_KEYS key ${id} must be 32 bytes in base64 (openssl rand -base64 32)`,
      );
      continue;
    }
    keys.set(id, bytes);
  }
  if (problems.length > before) return undefined;
  if (current === undefined && keys.size > 1) {
    problems.push(
      'PAYLOAD_KEYS 列出多个密钥时须以 PAYLOAD_KEY_ID 指明当前密钥 / PAYLOAD_KEY_ID must name the current key when PAYLOAD_KEYS lists several',
    );
    return undefined;
  }
  const chosen = current ?? [...keys.keys()][0]!;
  if (!keys.has(chosen)) {
    problems.push(
      `PAYLOAD_KEY_ID ${KEY_ID.test(chosen) ? chosen : '(…)'} 不在 PAYLOAD_KEYS 中 / PAYLOAD_KEY_ID names a key PAYLOAD_KEYS does not list`,
    );
    return undefined;
  }
  return { current: chosen, keys };
}

/** `PAYLOAD_KEYS` text for keys (tests and tools that pass keys to child processes). */
export function formatPayloadKeys(keys: PayloadKeys): string {
  return [...keys.keys].map(([id, key]) => `${id}:${key.toString('base64')}`).join(',');
}

/** A new key set of one random key (the data folder's default, a bench run's keys). */
export function generatePayloadKeys(
  id = `local-${new Date().toISOString().slice(0, 10).replace(/-/g, '')}`,
): PayloadKeys {
  return { current: id, keys: new Map([[id, randomBytes(PAYLOAD_KEY_BYTES)]]) };
}

/**
 * The keys this process encrypts and decrypts Temporal payloads with: the configured ones, else
 * (not in production) the data folder's, generated on first use.
 */
export function payloadKeysFor(
  config: { payloadKeys?: PayloadKeys },
  opts: { dataDir: string; env?: NodeJS.ProcessEnv },
): PayloadKeys {
  if (config.payloadKeys) return config.payloadKeys;
  if ((opts.env ?? process.env).NODE_ENV === 'production') {
    throw new Error(
      'PAYLOAD_KEYS 未设置：生产环境须为每个 API 和 worker 进程配置相同的载荷加密密钥（id:base64密钥，openssl rand -base64 32）/ PAYLOAD_KEYS is required with NODE_ENV=production: every API and worker process needs the same payload encryption keys (id:base64key; openssl rand -base64 32)',
    );
  }
  const file = path.join(opts.dataDir, PAYLOAD_KEYS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const fresh = generatePayloadKeys();
    mkdirSync(opts.dataDir, { recursive: true });
    const body = {
      current: fresh.current,
      keys: Object.fromEntries([...fresh.keys].map(([id, k]) => [id, k.toString('base64')])),
    };
    try {
      // `wx`: of two processes starting at once, one writes and both read what it wrote.
      writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    text = readFileSync(file, 'utf8');
  }
  const stored = JSON.parse(text) as { current?: string; keys?: Record<string, string> };
  const problems: string[] = [];
  const keys = parsePayloadKeys(
    Object.entries(stored.keys ?? {})
      .map(([id, key]) => `${id}:${key}`)
      .join(','),
    stored.current,
    problems,
  );
  if (!keys) throw new Error(`${file}: ${problems.join('; ') || '没有密钥 / no keys'}`);
  return keys;
}

/**
 * CODEC_CORS_ORIGINS: the origins (scheme, host, port) whose pages may call the codec endpoint
 * with the caller's credentials, e.g. the Temporal UI's `http://127.0.0.1:8233`; none by default.
 */
export function parseCodecOrigins(raw: string | undefined, problems: string[]): string[] {
  const origins: string[] = [];
  for (const item of (raw ?? '').split(',').map((s) => s.trim())) {
    if (!item) continue;
    let origin: string | undefined;
    try {
      const u = new URL(item);
      if (['http:', 'https:'].includes(u.protocol) && u.origin === item.replace(/\/$/, '')) origin = u.origin;
    } catch {
      origin = undefined;
    }
    if (origin) origins.push(origin);
    else
      problems.push(
        `CODEC_CORS_ORIGINS 须为以逗号分隔的来源，如 http://127.0.0.1:8233 / CODEC_CORS_ORIGINS must be a comma list of origins such as http://127.0.0.1:8233 (not "${item}")`,
      );
  }
  return origins;
}
