import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A government agency that can be summoned to a joint mediation (安监站, 市住保中心, …). */
@Entity({ tableName: 'agencies' })
export class Agency {
  @PrimaryKey({ type: 'string', length: 64 })
  code!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;
}
