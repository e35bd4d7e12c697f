/** The attachment store the configuration names (ATTACHMENT_STORE, config/attachments.ts). */
import type { MikroORM } from '@mikro-orm/postgresql';
import type { AttachmentStore } from './attachment-store';
import type { AttachmentConfig } from '../config/attachments';
import { PgAttachmentStore } from './pg-store';
import { S3AttachmentStore } from './s3-store';

export function createAttachmentStore(config: Pick<AttachmentConfig, 'store' | 's3'>, orm: MikroORM): AttachmentStore {
  if (config.store === 's3') {
    if (!config.s3?.bucket) throw new Error('ATTACHMENT_STORE=s3 needs S3_BUCKET');
    return new S3AttachmentStore(config.s3);
  }
  return new PgAttachmentStore(orm);
}

export { AttachmentMissingError, type AttachmentMeta, type AttachmentStore } from './attachment-store';
export type { AttachmentConfig, S3StoreConfig } from '../config/attachments';
export { DEFAULT_ATTACHMENT_LIMITS, parseAttachmentConfig } from '../config/attachments';
