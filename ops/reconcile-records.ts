/**
 * Records the workflows point to that must be in PostgreSQL and that the reconciler cannot rebuild
 * from Temporal (their content never went through a workflow): the sealed agreement (its frozen
 * document and hash) and the evidence files' rows. Lost with a restore of PostgreSQL older than
 * Temporal's; reported so that the operator restores them from a later backup or point in time.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { DisputeView } from '../domain/types';
import type { HeldNumber } from './reconcile-numbers';
import type { Finding } from './reconcile-types';

const RESTORE_LATER =
  '从更新的备份或时间点恢复 PostgreSQL 中的这些行（docs/backup-restore.md）/ restore these rows from a later PostgreSQL backup or point in time (docs/backup-restore.md)';

/** An agreement that took effect in its workflow but whose sealed record is not in `agreements`. */
export async function missingAgreements(em: EntityManager, held: HeldNumber[]): Promise<Finding[]> {
  const sealed = held.filter((h) => h.sealed);
  if (sealed.length === 0) return [];
  const present = await em.execute<{ number: string }[]>(
    'select number from agreements where number in (select jsonb_array_elements_text(?::jsonb))',
    [JSON.stringify(sealed.map((h) => h.number))],
  );
  const have = new Set(present.map((r) => r.number));
  return sealed
    .filter((h) => !have.has(h.number))
    .map((h) => ({
      check: 'd' as const,
      kind: 'agreement_missing' as const,
      disputeId: h.disputeId,
      caseNumber: h.number,
      field: 'agreements',
      readModel: null,
      workflow: h.number,
      message:
        '已生效协议的存档不在数据库中（核验将返回 404）/ the effective agreement has no sealed record in the database (its verification answers 404)',
      fix: RESTORE_LATER,
    }));
}

/** Evidence on a case's record (`attach-evidence`) whose row in `attachments` is gone: the file can no longer be found. */
export async function missingEvidence(em: EntityManager, views: DisputeView[]): Promise<Finding[]> {
  const items = views.flatMap((v) => (v.evidence ?? []).map((e) => ({ view: v, id: e.attachmentId, name: e.name })));
  if (items.length === 0) return [];
  const present = await em.execute<{ id: string }[]>(
    'select id::text as id from attachments where id::text in (select jsonb_array_elements_text(?::jsonb))',
    [JSON.stringify(items.map((i) => i.id))],
  );
  const have = new Set(present.map((r) => r.id));
  return items
    .filter((i) => !have.has(i.id))
    .map((i) => ({
      check: 'c' as const,
      kind: 'evidence_missing' as const,
      disputeId: i.view.disputeId,
      caseNumber: i.view.caseNumber,
      field: `evidence ${i.id}`,
      readModel: null,
      workflow: i.name,
      message: '证据材料在案件记录中，但数据库中没有其文件记录 / evidence on the case record has no row in attachments',
      fix: RESTORE_LATER,
    }));
}
