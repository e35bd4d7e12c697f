import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';

/** A notice sent by the notifier (summons, reminders), once per key, with its delivery result. */
@Entity({ tableName: 'notifications' })
export class Notification {
  @PrimaryKey({ type: 'string', length: 200 })
  key!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'string', length: 48 })
  kind!: string;

  @Property({ type: 'json' })
  recipients!: string[];

  @Property({ type: 'string', length: 1000 })
  message!: string;

  @Property({ type: 'string', length: 32 })
  channel!: string;

  @Property({ type: 'string', length: 16 })
  status!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
