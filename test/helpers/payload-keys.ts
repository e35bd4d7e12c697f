/**
 * The payload codec's keys in tests: fixed, so that a history a test records (npm run
 * histories:record) is encrypted with a key the replay tests hold in every later run.
 */
import { parsePayloadKeys, type PayloadKeys } from '../../config/payload-keys';
import { payloadDataConverter } from '../../temporal/codec';

/** As PAYLOAD_KEYS would give it (for child processes). */
export const TEST_PAYLOAD_KEYS_ENV = `test-1:${Buffer.from('fengqiao-test-payload-key-32byte').toString('base64')}`;

export const TEST_PAYLOAD_KEYS: PayloadKeys = parsePayloadKeys(TEST_PAYLOAD_KEYS_ENV, undefined, [])!;

/** The data converter of the tests' clients and workers. */
export const testDataConverter = () => payloadDataConverter(TEST_PAYLOAD_KEYS);
