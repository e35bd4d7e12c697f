import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { DisputeView } from '../../domain/types';

/** Read model of a case: the workflow's state as of event `seq`, projected by activities. */
@Entity({ tableName: 'disputes' })
export class Dispute {
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  @Property({ type: 'string', length: 64, nullable: true, unique: true })
  caseNumber?: string;

  @Index()
  @Property({ type: 'string', length: 32 })
  stage!: string;

  @Property({ type: 'string', length: 32, nullable: true })
  outcome?: string;

  @Property({ type: 'string', length: 16, nullable: true })
  level?: string;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  unitCode?: string;

  /** Path of the responsible unit and of the grid the case came from, for subtree scoping. */
  @Index()
  @Property({ type: 'string', length: 512, nullable: true })
  unitPath?: string;

  @Index()
  @Property({ type: 'string', length: 512 })
  originPath!: string;

  @Property({ type: 'string', length: 32 })
  category!: string;

  @Property({ type: 'string', length: 16 })
  priority!: string;

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'string', length: 16 })
  createdByType!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  createdById!: string;

  @Property({ type: 'datetime', nullable: true })
  nextDeadlineAt?: Date;

  @Index()
  @Property({ type: 'boolean', default: false })
  overdue: boolean = false;

  /** Title, description, case number and party names, for `q=` search. */
  @Property({ type: 'text', default: '' })
  searchText: string = '';

  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: 'json' })
  state!: DisputeView;

  /** When the case was last closed (the workflow's `closedAt`), for the Safety Index's period queries. */
  @Index()
  @Property({ type: 'datetime', nullable: true })
  closedAt?: Date;

  /** When the closed case's file was reduced after its archival period (ops/retention.ts); null while whole. */
  @Property({ type: 'datetime', nullable: true })
  reducedAt?: Date | null;

  @Index()
  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}
