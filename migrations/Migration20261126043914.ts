import { Migration } from '@mikro-orm/migrations';

/**
 * An effective agreement is sealed (Art. 29; its SHA-256 covers the frozen document and the
 * signatures): the database itself refuses to change or remove one, whatever the code does.
 */
export class Migration20261126043914 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function fengqiao_refuse_sealed_change() returns trigger language plpgsql as $$
begin
  raise exception 'agreement % is sealed and cannot be changed', old.number using errcode = 'integrity_constraint_violation';
end $$;`);
    this.addSql(`create trigger agreements_sealed before update or delete on "agreements" for each row execute function fengqiao_refuse_sealed_change();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists agreements_sealed on "agreements";`);
    this.addSql(`drop function if exists fengqiao_refuse_sealed_change();`);
  }
}
