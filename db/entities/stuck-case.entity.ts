import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A case whose step keeps failing: it waits for a repair (docs/operations.md "A stuck case"). Written by activities/stuck.ts. */
@Entity({ tableName: 'stuck_cases' })
export class StuckCase {
  @PrimaryKey({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'string', length: 64, nullable: true })
  caseNumber?: string | null;

  @Property({ type: 'string', length: 64, nullable: true })
  unitCode?: string | null;

  /** The step (activity) that failed. */
  @Property({ type: 'string', length: 64 })
  activity!: string;

  /** Its failure's type (and SQLSTATE), never the data. */
  @Property({ type: 'string', length: 200 })
  failure!: string;

  @Property({ type: 'string', length: 64 })
  retryState!: string;

  @Property({ type: 'datetime' })
  since!: Date;

  @Property({ type: 'datetime' })
  updatedAt!: Date;
}
