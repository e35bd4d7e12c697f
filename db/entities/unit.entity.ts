import { Entity, Enum, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { LEVELS, type Level } from '../../domain/lifecycle';

/** A node of the region tree (city → county → street → community → grid) and its mediation committee. */
@Entity({ tableName: 'units' })
export class Unit {
  @PrimaryKey({ type: 'string', length: 64 })
  code!: string;

  @Property({ type: 'string', length: 128 })
  name!: string;

  @Enum({ items: () => LEVELS })
  level!: Level;

  @Index()
  @Property({ type: 'string', length: 64, nullable: true })
  parentCode?: string;

  /** Materialised path of codes, `/changde/jinshi/…/`, for subtree scoping with a prefix match. */
  @Index()
  @Property({ type: 'string', length: 512 })
  path!: string;

  @Property({ type: 'integer' })
  population!: number;

  @Property({ type: 'string', length: 128 })
  committeeName!: string;

  /** Short name used in case and agreement numbers, e.g. 汪 in （2026）汪人调字第12号. */
  @Property({ type: 'string', length: 16 })
  committeeShort!: string;
}
