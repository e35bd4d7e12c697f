import { Entity, PrimaryKey } from '@mikro-orm/core';

/** Words in a report that flag a risk of violence or crime (人民调解法 Art. 25); admin-maintained. */
@Entity({ tableName: 'risk_keywords' })
export class RiskKeyword {
  @PrimaryKey({ type: 'string', length: 32 })
  word!: string;
}
