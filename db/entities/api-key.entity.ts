import { Entity, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

/** An integrator's API key: only its SHA-256 is stored, with a visible prefix to recognise it. */
@Entity({ tableName: 'api_keys' })
export class ApiKey {
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Property({ type: 'string', length: 32 })
  prefix!: string;

  @Property({ type: 'string', length: 64, unique: true })
  keyHash!: string;

  /** Region code whose subtree this integrator may also see, besides the cases it created. */
  @Property({ type: 'string', length: 64, nullable: true })
  areaCode?: string;

  /** Whether the area grant lets it act on the area's cases (add notes, withdraw), not only see them. */
  @Property({ type: 'boolean', default: false })
  areaActions: boolean & Opt = false;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  lastUsedAt?: Date;

  @Property({ type: 'datetime', nullable: true })
  revokedAt?: Date;
}
