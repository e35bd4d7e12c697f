/**
 * The payload codec: every payload a client or worker sends to Temporal (workflow and activity
 * arguments and results, Update arguments and results, signals, queries, heartbeat details) is
 * encrypted with AES-256-GCM before it leaves the process, so Temporal's store and UI hold no
 * party's name, phone or identity number in clear.
 *
 * An encrypted payload is the original payload (metadata and data, as protobuf bytes) encrypted
 * with a fresh 96-bit IV, `data` = IV ‖ ciphertext ‖ 128-bit tag, with the metadata `encoding:
 * binary/encrypted` and `encryption-key-id: <id>` in clear. New payloads use the current key;
 * decoding uses whichever key a payload names, so after a rotation the histories of open cases
 * still decode. A payload without the encrypted encoding (histories from before the codec) passes
 * through unchanged.
 *
 * Codecs run in the client and in the worker's main thread, outside the workflow sandbox, so the
 * workflow bundle is unchanged. The same codec serves the Temporal UI and CLI at /codec (api/routes/codec.ts).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import {
  METADATA_ENCODING_KEY,
  ValueError,
  type DataConverter,
  type Payload,
  type PayloadCodec,
} from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { DATA_DIR } from '../config/paths';
import { payloadKeysFor, type PayloadKeys } from '../config/payload-keys';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null | undefined): string | undefined =>
  b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8') : undefined;

/** The key id an encrypted payload names; undefined for a payload in clear. */
export function payloadKeyId(payload: Payload): string | undefined {
  return text(payload.metadata?.[METADATA_ENCODING_KEY]) === ENCRYPTED_ENCODING
    ? text(payload.metadata?.[KEY_ID_METADATA])
    : undefined;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  constructor(private readonly keys: PayloadKeys) {
    if (!keys.keys.has(keys.current)) throw new Error(`no key ${keys.current} among the payload keys`);
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  encrypt(payload: Payload): Payload {
    const keyId = this.keys.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(CIPHER, this.keys.keys.get(keyId)!, iv);
    const plain = temporal.api.common.v1.Payload.encode(payload).finish();
    return {
      metadata: { [METADATA_ENCODING_KEY]: bytes(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: bytes(keyId) },
      data: Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]),
    };
  }

  decrypt(payload: Payload): Payload {
    if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
    const key = this.keys.keys.get(keyId);
    if (!key) {
      throw new ValueError(
        `载荷以密钥 "${keyId.slice(0, 64)}" 加密，PAYLOAD_KEYS 中没有该密钥 / payload encrypted with key "${keyId.slice(0, 64)}", which PAYLOAD_KEYS does not hold`,
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) throw new ValueError('加密载荷过短 / encrypted payload too short');
    const decipher = createDecipheriv(CIPHER, key, data.subarray(0, IV_BYTES));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
    } catch {
      throw new ValueError(
        `载荷无法以密钥 "${keyId}" 解密（已被篡改或密钥不符）/ payload does not decrypt with key "${keyId}" (altered, or not that key)`,
      );
    }
    const inner = temporal.api.common.v1.Payload.decode(plain);
    return { metadata: inner.metadata, data: inner.data };
  }
}

/** The data converter of every Fengqiao client and worker: the default converters, payloads encrypted. */
export function payloadDataConverter(keys: PayloadKeys): DataConverter {
  return { payloadCodecs: [new AesGcmPayloadCodec(keys)] };
}

/**
 * The data converter of a process: with the configured keys (PAYLOAD_KEYS), else, outside
 * production, the data folder's (config/payload-keys.ts).
 */
export function configuredDataConverter(config: { payloadKeys?: PayloadKeys }, dataDir = DATA_DIR): DataConverter {
  return payloadDataConverter(payloadKeysFor(config, { dataDir }));
}
