import { Entity, PrimaryKey, Property } from '@mikro-orm/core';

/**
 * A closed case's file (人民调解卷宗), frozen at the closing: the whole file as one HTML document and
 * the SHA-256 over its canonical form (domain/case-file.ts). The database refuses any change to a row.
 */
@Entity({ tableName: 'case_files' })
export class CaseFileRecord {
  @PrimaryKey({ type: 'string', length: 64 })
  disputeId!: string;

  @Property({ type: 'string', length: 64 })
  caseNumber!: string;

  @Property({ type: 'text' })
  html!: string;

  @Property({ type: 'string', length: 64 })
  sha256!: string;

  /** The case's closing (结案), when the file was frozen. */
  @Property({ type: 'datetime' })
  closedAt!: Date;

  @Property({ type: 'datetime' })
  frozenAt!: Date;
}
