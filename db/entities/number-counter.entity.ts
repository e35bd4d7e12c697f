import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';

/** Next sequence number per committee, year and kind (case / agreement). */
@Entity({ tableName: 'number_counters' })
export class NumberCounter {
  @PrimaryKey({ type: 'string', length: 64 })
  unitCode!: string;

  @PrimaryKey({ type: 'integer' })
  year!: number;

  @PrimaryKey({ type: 'string', length: 16 })
  kind!: string;

  @Property({ type: 'integer' })
  lastSeq!: number;
}

/**
 * Which number an owner got, so allocating again (an activity retry) returns the same one. The
 * owner is the dispute id for its case number and `<dispute id>#<round>` for its agreements.
 */
@Entity({ tableName: 'number_allocations' })
@Unique({ properties: ['unitCode', 'year', 'kind', 'seq'] })
export class NumberAllocation {
  /** `<dispute id>` (intake), `<dispute id>@<unit code>` (a committee taking it over), `<dispute id>#<round>` (agreement). */
  @PrimaryKey({ type: 'string', length: 160 })
  ownerKey!: string;

  @PrimaryKey({ type: 'string', length: 16 })
  kind!: string;

  @Property({ type: 'string', length: 64 })
  unitCode!: string;

  @Property({ type: 'integer' })
  year!: number;

  @Property({ type: 'integer' })
  seq!: number;

  @Property({ type: 'string', length: 64 })
  formatted!: string;
}
