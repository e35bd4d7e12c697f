import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** Admin-maintained settings that are one value each (e.g. the Safety Index weights), as JSON. */
@Entity({ tableName: 'settings' })
export class Setting {
  @PrimaryKey({ type: 'string', length: 64 })
  key!: string;

  @Property({ type: 'json' })
  value!: unknown;

  @Property({ type: 'timestamptz' })
  updatedAt!: Date;

  @Property({ type: 'string', length: 128, nullable: true })
  updatedBy?: string | null;
}
