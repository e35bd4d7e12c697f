import { Entity, Enum, PrimaryKey, Property, type Opt } from '@mikro-orm/core';

export const STAFF_ROLES = ['grid_worker', 'mediator', 'agency_rep', 'supervisor', 'admin'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey({ type: 'string', length: 64 })
  id!: string;

  @Property({ type: 'string', length: 128, unique: true })
  username!: string;

  @Property({ type: 'string', length: 128 })
  displayName!: string;

  @Enum({ items: () => STAFF_ROLES })
  role!: StaffRole;

  @Property({ type: 'string', length: 64, nullable: true })
  unitCode?: string;

  @Property({ type: 'string', length: 64, nullable: true })
  agencyCode?: string;

  /** scrypt$N$r$p$salt$hash */
  @Property({ type: 'string', length: 256, hidden: true })
  passwordHash!: string;

  @Property({ type: 'boolean', default: true })
  active: boolean = true;

  /**
   * May affix the seal of the committee of `unitCode`: its 主任 (a supervisor) always may; a member
   * (a mediator) only when the admin records the committee's authorisation here (人民调解法 Art. 29).
   */
  @Property({ type: 'boolean', default: false })
  sealAuthorised: Opt<boolean> = false;

  /** Wrong passwords in a row since the last success or lockout (api/lockout.ts). */
  @Property({ type: 'integer', default: 0 })
  failedLogins: Opt<number> = 0;

  /** Lockouts since the last successful login: each doubles the next one's length. */
  @Property({ type: 'integer', default: 0 })
  lockouts: Opt<number> = 0;

  /** Until then no password is accepted (an admin may lift it). */
  @Property({ type: 'datetime', nullable: true })
  lockedUntil?: Date | null;

  /** A mobile for notices to this staff member (issue 22: high-risk alerts by SMS). */
  @Property({ type: 'string', length: 32, nullable: true })
  phone?: string | null;

  /** A supervisor opted in to high-risk alerts by SMS (to `phone`). */
  @Property({ type: 'boolean', default: false })
  smsAlerts: Opt<boolean> = false;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
