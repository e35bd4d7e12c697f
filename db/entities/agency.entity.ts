import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/** A government agency that can be summoned to a joint mediation (安监站, 市住保中心, …). */
@Entity({ tableName: 'agencies' })
export class Agency {
  @PrimaryKey({ type: 'string', length: 64 })
  code!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  /** Where the agency's representative receives invitations by SMS (issue 22); none: no SMS. */
  @Property({ type: 'string', length: 32, nullable: true })
  contactPhone?: string | null;

  /** Where the agency's representative receives invitations by e-mail. */
  @Property({ type: 'string', length: 254, nullable: true })
  contactEmail?: string | null;
}
