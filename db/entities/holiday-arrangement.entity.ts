import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import type { HolidayDay } from '../../domain/holidays';

/**
 * One revision of a year's holiday arrangement (节假日安排), national (`regionCode` null) or for a
 * region's subtree. Rows are only ever added: the latest revision of a (region, year) is in force,
 * the earlier ones are its history, and a deadline records the revision it was computed with
 * (`id`, which only grows across all regions and years), so the table as it stood then can be read
 * back to re-plan it.
 */
@Entity({ tableName: 'holiday_arrangements' })
@Index({ properties: ['regionCode', 'year', 'id'] })
export class HolidayArrangement {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** A unit's code: the arrangement adds to the national one for that unit's subtree. Null: national. */
  @Property({ type: 'string', length: 64, nullable: true })
  regionCode?: string | null;

  @Property({ type: 'integer' })
  year!: number;

  /** The days off and make-up working days, sorted by date. */
  @Property({ type: 'json' })
  days!: HolidayDay[];

  /** The notice's title, e.g. 国务院办公厅关于2027年部分节假日安排的通知. */
  @Property({ type: 'string', length: 200 })
  sourceTitle!: string;

  /** The date the notice was issued (成文/发布日期), if known. */
  @Property({ type: 'date', nullable: true })
  sourceDate?: string | null;

  @Property({ type: 'string', length: 500, nullable: true })
  sourceUrl?: string | null;

  /** Who entered it: `admin@city` (username), or `seed:chinese-days@1.5.7`. */
  @Property({ type: 'string', length: 128 })
  enteredBy!: string;

  @Property({ type: 'timestamptz' })
  enteredAt!: Date;

  @Property({ type: 'string', length: 500, nullable: true })
  note?: string | null;
}
