/**
 * Where the bytes of attachments live (issue 22): one interface, two stores. PostgreSQL by default
 * (storage/pg-store.ts: embedded and small offices), S3-compatible object storage for production
 * (storage/s3-store.ts). Both stream both ways: no store holds a whole file in memory.
 */
import type { Readable } from 'node:stream';

export interface AttachmentMeta {
  /** The sniffed media type (attachments/sniff.ts), stored as the object's Content-Type. */
  mediaType: string;
  /** The SHA-256 the caller expects, when known in advance (informational; the stores do not check it). */
  sha256?: string;
}

export interface AttachmentStore {
  /** Which store (`pg` or `s3`), for logs and tests. */
  readonly kind: 'pg' | 's3';
  /** Writes `stream` under `key`; on failure nothing is left under `key`. An error of `stream` rejects. */
  put(key: string, stream: Readable, meta: AttachmentMeta): Promise<void>;
  /** The bytes under `key`, streamed; rejects with AttachmentMissingError when there are none. */
  get(key: string): Promise<Readable>;
  /** Removes what is under `key` (nothing there is not an error). */
  delete(key: string): Promise<void>;
}

export class AttachmentMissingError extends Error {
  constructor(key: string) {
    super(`no stored attachment ${key}`);
    this.name = 'AttachmentMissingError';
  }
}
