/**
 * A workflow's history as Temporal stores it (no codec), for tests that look for personal data in
 * it: its payloads (protobuf JSON, bytes in base64) and all its text with every base64 string
 * decoded too, so that a phone number inside a payload in clear is found.
 */
import { Client } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';

type Json = Record<string, any>;
export type PayloadJson = { metadata?: Record<string, string>; data?: string };

export async function rawHistory(client: Client, workflowId: string): Promise<Json> {
  const raw = new Client({ connection: client.connection, namespace: client.options.namespace });
  return JSON.parse(historyToJSON(await raw.workflow.getHandle(workflowId).fetchHistory())) as Json;
}

/**
 * Every payload the codec handles. Left out: search attributes (indexed by Temporal, never encoded)
 * and the `data` of a local activity's marker (the SDK core's own record of it: sequence number,
 * activity type, times), which the core writes outside the codec; neither holds case data, which the
 * tests check on the whole text (`textOf`).
 */
export function payloadsOf(node: unknown, path = ''): Array<{ path: string; payload: PayloadJson }> {
  if (Array.isArray(node)) return node.flatMap((n, i) => payloadsOf(n, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  const obj = node as Json;
  if (obj.metadata && typeof obj.metadata === 'object' && typeof obj.metadata.encoding === 'string') {
    return /markerRecordedEventAttributes\.details\.data\./.test(path) ? [] : [{ path, payload: obj as PayloadJson }];
  }
  return Object.entries(obj)
    .filter(([key]) => !/searchAttributes/i.test(key))
    .flatMap(([key, value]) => payloadsOf(value, `${path}.${key}`));
}

const utf8 = (b64: string) => Buffer.from(b64, 'base64').toString('utf8');
export const encodingOf = (p: PayloadJson) => utf8(p.metadata?.encoding ?? '');
export const keyIdOf = (p: PayloadJson) => utf8(p.metadata?.['encryption-key-id'] ?? '');

/** The history's JSON and every base64 string in it decoded, as one text to search. */
export function textOf(history: Json): string {
  const parts = [JSON.stringify(history)];
  const walk = (node: unknown) => {
    if (typeof node === 'string') {
      if (node.length >= 8 && /^[A-Za-z0-9+/]+={0,2}$/.test(node)) parts.push(utf8(node));
    } else if (node && typeof node === 'object') Object.values(node).forEach(walk);
  };
  walk(history);
  return parts.join('\n');
}

export const toPayload = (p: PayloadJson): Payload => {
  const m = temporal.api.common.v1.Payload.fromObject(p);
  return { metadata: m.metadata, data: m.data };
};
