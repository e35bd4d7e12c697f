import { Entity, Enum, Index, PrimaryKey, Property, type Opt } from '@mikro-orm/core';
import { LEVELS, type Category, type Level } from '../../domain/lifecycle';
import { UNIT_KINDS, type UnitKind } from '../../domain/committee';

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

  /** The committee's contact telephone, printed on its meeting notices (联系电话). */
  @Property({ type: 'string', length: 32, nullable: true })
  phone?: string;

  /**
   * What the unit is: a node of the region tree (`region`), or, under a county, its 矛盾纠纷调处中心
   * (`center`) or a 行业性专业性人民调解委员会 (`professional`, 人民调解法 Art. 34) that takes the
   * `categories` listed. A street's escalation goes to one of these (domain/committee.ts).
   */
  @Enum({ items: () => UNIT_KINDS, default: 'region' })
  kind: UnitKind & Opt = 'region';

  /** The categories a `professional` committee takes (物业纠纷人民调解委员会: `property`). */
  @Property({ type: 'json', nullable: true })
  categories?: Category[] | null;

  /** Where the unit is (WGS-84 degrees): Open311 reports with only `lat`/`long` go to the nearest grid, else community. */
  @Property({ type: 'double', nullable: true })
  latitude?: number | null;

  @Property({ type: 'double', nullable: true })
  longitude?: number | null;

  /** Other names people give the place (桃李小区 for 桃李网格), matched in an Open311 `address_string`. */
  @Property({ type: 'json', nullable: true })
  aliases?: string[] | null;
}
