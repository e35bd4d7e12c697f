import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A file or link kept as evidence on a case (issue 22, attachments/service.ts). The bytes are in the
 * attachment store under `storageKey` (storage/: PostgreSQL chunks or S3); a link has a `url` and no
 * bytes. `eventSeq` is the `evidence_added` event that put it on the record: until then it is pending
 * and listed nowhere.
 */
@Entity({ tableName: 'attachments' })
@Index({ properties: ['disputeId', 'createdAt'] })
export class Attachment {
  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  /** file | link */
  @Property({ type: 'string', length: 8 })
  kind!: string;

  @Property({ type: 'string', length: 255 })
  name!: string;

  @Property({ type: 'string', length: 100 })
  mediaType!: string;

  @Property({ type: 'integer', default: 0 })
  size: number = 0;

  @Property({ type: 'string', length: 64, nullable: true })
  sha256?: string | null;

  @Property({ type: 'string', length: 200, nullable: true })
  storageKey?: string | null;

  @Property({ type: 'string', length: 2000, nullable: true })
  url?: string | null;

  @Property({ type: 'string', length: 2000, nullable: true })
  description?: string | null;

  /** staff | integrator | party | open311 | public_form */
  @Property({ type: 'string', length: 16 })
  source!: string;

  @Property({ type: 'string', length: 100 })
  uploadedById!: string;

  @Property({ type: 'string', length: 200 })
  uploadedByName!: string;

  @Property({ type: 'string', length: 32 })
  uploadedByRole!: string;

  @Property({ type: 'integer', nullable: true })
  partyIndex?: number | null;

  @Property({ type: 'boolean', default: false })
  keptLocation: boolean = false;

  @Property({ type: 'integer', nullable: true })
  eventSeq?: number | null;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  deletedAt?: Date | null;
}

/** A piece of a file kept in PostgreSQL (storage/pg-store.ts): the default store, in order by `seq`. */
@Entity({ tableName: 'attachment_chunks' })
export class AttachmentChunk {
  @PrimaryKey({ type: 'string', length: 200 })
  storageKey!: string;

  @PrimaryKey({ type: 'integer' })
  seq!: number;

  @Property({ type: 'blob' })
  data!: Buffer;
}
