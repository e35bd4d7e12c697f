import type { EntityManager } from '@mikro-orm/postgresql';
import { formatNumber, type NumberKind } from '../domain/numbering';

/**
 * Allocates the next number of `kind` for a committee and year, once per owner (a dispute's case, or
 * one agreement round of a dispute: `<dispute id>#<round>`): a repeated call
 * (an activity retry) returns the number already given. The counter row is locked by the upsert,
 * and the counter and the allocation commit together, so numbers have no gaps or duplicates.
 */
export async function allocateNumber(
  em: EntityManager,
  req: { ownerKey: string; kind: NumberKind; unitCode: string; committeeShort: string; year: number },
): Promise<string> {
  return em.transactional(async (tx) => {
    const existing = await tx.execute<{ formatted: string }[]>(
      'select formatted from number_allocations where owner_key = ? and kind = ?',
      [req.ownerKey, req.kind],
    );
    if (existing[0]) return existing[0].formatted;
    const [row] = await tx.execute<{ last_seq: number }[]>(
      `insert into number_counters (unit_code, year, kind, last_seq) values (?, ?, ?, 1)
       on conflict (unit_code, year, kind) do update set last_seq = number_counters.last_seq + 1
       returning last_seq`,
      [req.unitCode, req.year, req.kind],
    );
    const formatted = formatNumber(req.kind, req.committeeShort, req.year, row!.last_seq);
    await tx.execute(
      'insert into number_allocations (owner_key, kind, unit_code, year, seq, formatted) values (?, ?, ?, ?, ?, ?)',
      [req.ownerKey, req.kind, req.unitCode, req.year, row!.last_seq, formatted],
    );
    return formatted;
  });
}
