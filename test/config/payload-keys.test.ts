/** PAYLOAD_KEYS and PAYLOAD_KEY_ID as loadConfig reads them, and the data folder's generated key outside production. */
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config/env';
import { PAYLOAD_KEYS_FILE, payloadKeysFor } from '../../config/payload-keys';

const key = (byte: number) => Buffer.alloc(32, byte).toString('base64');

it('reads the keys and the current one, and names every problem without quoting a key', () => {
  const one = loadConfig({ PAYLOAD_KEYS: `k1:${key(1)}` }).payloadKeys!;
  expect([one.current, [...one.keys.keys()]]).toEqual(['k1', ['k1']]);
  const two = loadConfig({ PAYLOAD_KEYS: `k1:${key(1)}, k2:${key(2)}`, PAYLOAD_KEY_ID: 'k2' }).payloadKeys!;
  expect([two.current, two.keys.get('k1')!.equals(Buffer.alloc(32, 1))]).toEqual(['k2', true]);
  expect(loadConfig({}).payloadKeys).toBeUndefined();

  const problems = (env: NodeJS.ProcessEnv) => {
    try {
      loadConfig(env);
    } catch (err) {
      return (err as ConfigError).problems;
    }
    return [];
  };
  const short = Buffer.alloc(16, 7).toString('base64');
  expect(problems({ PAYLOAD_KEYS: `k1:${short}` })).toEqual([expect.stringMatching(/key k1 must be 32 bytes/)]);
  expect(problems({ PAYLOAD_KEYS: `k1:${short}` }).join()).not.toContain(short);
  expect(problems({ PAYLOAD_KEYS: key(1) })).toEqual([expect.stringMatching(/must be id:base64key/)]);
  expect(problems({ PAYLOAD_KEYS: `k1:${key(1)},k1:${key(2)}` })).toEqual([expect.stringMatching(/twice/)]);
  expect(problems({ PAYLOAD_KEYS: `k1:${key(1)},k2:${key(2)}` })).toEqual([
    expect.stringMatching(/PAYLOAD_KEY_ID must name the current key/),
  ]);
  expect(problems({ PAYLOAD_KEYS: `k1:${key(1)}`, PAYLOAD_KEY_ID: 'k9' })).toEqual([
    expect.stringMatching(/names a key PAYLOAD_KEYS does not list/),
  ]);
  expect(problems({ PAYLOAD_KEY_ID: 'k1' })).toEqual([expect.stringMatching(/needs PAYLOAD_KEYS/)]);
  expect(problems({ CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233/path' })).toEqual([
    expect.stringMatching(/CODEC_CORS_ORIGINS/),
  ]);
  expect(loadConfig({ CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233, https://ui.example.org' }).codecCorsOrigins).toEqual([
    'http://127.0.0.1:8233',
    'https://ui.example.org',
  ]);
});

it('generates one key into the data folder outside production, and requires PAYLOAD_KEYS in production', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'fq-keys-'));
  const first = payloadKeysFor({}, { dataDir, env: {} });
  const again = payloadKeysFor({}, { dataDir, env: {} });
  expect(again.current).toBe(first.current);
  expect(again.keys.get(again.current)!.equals(first.keys.get(first.current)!)).toBe(true);
  const file = path.join(dataDir, PAYLOAD_KEYS_FILE);
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ current: first.current });

  const configured = loadConfig({ PAYLOAD_KEYS: `k1:${key(1)}` });
  expect(payloadKeysFor(configured, { dataDir, env: { NODE_ENV: 'production' } }).current).toBe('k1');
  expect(() => payloadKeysFor({}, { dataDir, env: { NODE_ENV: 'production' } })).toThrow(
    /PAYLOAD_KEYS is required with NODE_ENV=production/,
  );
});
