import { Entity, Index, PrimaryKey, Property, Unique, type Opt } from '@mikro-orm/core';

/**
 * A staff member's saved view of the inbox (issue 24): a name for a set of the work queue's filters
 * (stage, SLA colour, scope, search, order). Each person sees only their own (api/routes/saved-views.ts).
 */
@Entity({ tableName: 'saved_views' })
@Unique({ properties: ['userId', 'name'] })
export class SavedView {
  @PrimaryKey({ type: 'string', length: 36 })
  id!: string;

  @Index()
  @Property({ type: 'string', length: 64 })
  userId!: string;

  @Property({ type: 'string', length: 40 })
  name!: string;

  /** The filters, as the inbox's query parameters: { stage?, sla?, scope?, q?, sort? }. */
  @Property({ type: 'json' })
  filters!: Record<string, string>;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Opt<Date> = new Date();
}
