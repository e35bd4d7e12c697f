/**
 * Check (d) of the reconciler: the numbering registers (number_counters, db/numbering.ts) against
 * every number the workflows hold. After a database-only restore from an older backup, the counters
 * are behind the case and agreement numbers issued since the backup, and the next allocation would
 * give a number a second time (two agreements （2026）渔人调字第5号). Found here, and with `--repair`
 * the counters are moved past the highest number seen.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import type { NumberKind } from '../domain/numbering';
import type { DisputeView } from '../domain/types';
import type { Finding } from './reconcile-types';

/** A formatted number (domain/numbering.ts formatNumber) taken apart: （2026）渔人调字第12号. */
export interface ParsedNumber {
  year: number;
  committeeShort: string;
  kind: NumberKind;
  seq: number;
}

const NUMBER = /^（(\d{4})）(.+?)(人调受字|人调字)第(\d+)号$/;

export function parseNumber(formatted: string): ParsedNumber | undefined {
  const m = NUMBER.exec(formatted);
  if (!m) return undefined;
  return {
    year: Number(m[1]),
    committeeShort: m[2]!,
    kind: m[3] === '人调字' ? 'agreement' : 'case',
    seq: Number(m[4]),
  };
}

/** A number a workflow holds, with the unit that most likely issued it (the case's register, or its unit at the seal). */
export interface HeldNumber {
  disputeId: string;
  number: string;
  unitHint?: string;
  /** An effective agreement: its sealed record must be in `agreements`. */
  sealed?: boolean;
}

/** Every case and agreement number a case's state holds: current, prior (原案号) and past agreements. */
export function numbersHeld(view: DisputeView): HeldNumber[] {
  const id = view.disputeId;
  const out: HeldNumber[] = [];
  if (view.caseNumber)
    out.push({ disputeId: id, number: view.caseNumber, unitHint: view.numberedBy ?? view.unit?.code });
  for (const n of view.priorCaseNumbers ?? []) out.push({ disputeId: id, number: n });
  if (view.agreement?.number)
    out.push({ disputeId: id, number: view.agreement.number, unitHint: view.unit?.code, sealed: true });
  for (const a of view.pastAgreements ?? []) if (a.number) out.push({ disputeId: id, number: a.number, sealed: true });
  return out;
}

interface Highest {
  unitCode: string;
  year: number;
  kind: NumberKind;
  seq: number;
  number: string;
  disputeId?: string;
}

const counterKey = (unitCode: string, year: number, kind: string) => `${unitCode}|${year}|${kind}`;

/**
 * Compares the counters with the numbers held (and with the allocations table itself), and the
 * sealed agreements with their records. `units` limits the counters looked at (a reconcile of some
 * cases only); undefined: all of them.
 */
export async function checkNumbering(
  em: EntityManager,
  held: HeldNumber[],
  opts: { repair: boolean; scoped: boolean },
): Promise<{ findings: Finding[]; errors: string[] }> {
  const findings: Finding[] = [];
  const errors: string[] = [];
  const units = await em.execute<{ code: string; committee_short: string; level: string }[]>(
    'select code, committee_short, level from units',
  );
  const byCode = new Map(units.map((u) => [u.code, u]));
  // Where the register still has a number, it names its committee exactly.
  const registered = new Map(
    (
      await em.execute<{ formatted: string; unit_code: string }[]>(
        'select formatted, unit_code from number_allocations where formatted in (select jsonb_array_elements_text(?::jsonb))',
        [JSON.stringify(held.map((h) => h.number))],
      )
    ).map((r) => [r.formatted, r.unit_code]),
  );
  const highest = new Map<string, Highest>();
  const see = (h: Highest) => {
    const key = counterKey(h.unitCode, h.year, h.kind);
    const had = highest.get(key);
    if (!had || had.seq < h.seq) highest.set(key, h);
  };

  for (const h of held) {
    const parsed = parseNumber(h.number);
    if (!parsed) {
      errors.push(`案件 ${h.disputeId} 的编号无法解析 / case ${h.disputeId}: number not understood: ${h.number}`);
      continue;
    }
    const unitCode = registered.get(h.number) ?? issuerOf(parsed, h.unitHint, byCode, units);
    if (!unitCode) {
      errors.push(
        `编号 ${h.number} 的调委会无法确定（简称"${parsed.committeeShort}"） / number ${h.number}: no single committee with the short name "${parsed.committeeShort}"`,
      );
      continue;
    }
    see({ unitCode, year: parsed.year, kind: parsed.kind, seq: parsed.seq, number: h.number, disputeId: h.disputeId });
  }

  // The allocations are restored with the counters, but a partial restore or a hand edit can split them.
  const scopeUnits = opts.scoped ? [...new Set([...highest.values()].map((h) => h.unitCode))] : undefined;
  if (!scopeUnits || scopeUnits.length > 0) {
    const allocated = await em.execute<
      { unit_code: string; year: number; kind: NumberKind; seq: number; formatted: string }[]
    >(
      `select distinct on (unit_code, year, kind) unit_code, year, kind, seq, formatted from number_allocations
       ${scopeUnits ? 'where unit_code in (select jsonb_array_elements_text(?::jsonb))' : ''} order by unit_code, year, kind, seq desc`,
      scopeUnits ? [JSON.stringify(scopeUnits)] : [],
    );
    for (const a of allocated)
      see({ unitCode: a.unit_code, year: a.year, kind: a.kind, seq: a.seq, number: a.formatted });
  }

  const counters = await em.execute<{ unit_code: string; year: number; kind: string; last_seq: number }[]>(
    'select unit_code, year, kind, last_seq from number_counters',
  );
  const last = new Map(counters.map((c) => [counterKey(c.unit_code, c.year, c.kind), c.last_seq]));
  for (const h of [...highest.values()].sort((a, b) =>
    counterKey(a.unitCode, a.year, a.kind).localeCompare(counterKey(b.unitCode, b.year, b.kind)),
  )) {
    const lastSeq = last.get(counterKey(h.unitCode, h.year, h.kind)) ?? 0;
    if (lastSeq >= h.seq) continue;
    const what = h.kind === 'agreement' ? '协议编号 / agreement numbers' : '案件编号 / case numbers';
    const finding: Finding = {
      check: 'd',
      kind: 'counter_behind',
      disputeId: h.disputeId,
      caseNumber: h.number,
      field: `number_counters ${h.unitCode} ${h.year} ${h.kind}`,
      readModel: lastSeq,
      workflow: h.seq,
      message: `${what}：计数器落后于已发出的编号 ${h.number}，下一个编号将重复 / the counter is behind the number issued, the next one would be a duplicate`,
      fix: 'npm run reconcile -- --repair',
    };
    if (opts.repair) {
      await em.execute(
        `insert into number_counters (unit_code, year, kind, last_seq) values (?, ?, ?, ?)
         on conflict (unit_code, year, kind) do update set last_seq = greatest(number_counters.last_seq, excluded.last_seq)`,
        [h.unitCode, h.year, h.kind, h.seq],
      );
      finding.repaired = true;
    }
    findings.push(finding);
  }

  return { findings, errors };
}

/**
 * The committee that issued a number the register no longer has: the unit the case names, when its
 * short name matches; else the one committee (not a grid: its numbers are its community's) with that
 * short name.
 */
function issuerOf(
  parsed: ParsedNumber,
  hint: string | undefined,
  byCode: Map<string, { code: string; committee_short: string; level: string }>,
  units: Array<{ code: string; committee_short: string; level: string }>,
): string | undefined {
  const hinted = hint ? byCode.get(hint) : undefined;
  if (hinted && hinted.committee_short === parsed.committeeShort) return hinted.code;
  const candidates = units.filter((u) => u.committee_short === parsed.committeeShort && u.level !== 'grid');
  return candidates.length === 1 ? candidates[0]!.code : undefined;
}
