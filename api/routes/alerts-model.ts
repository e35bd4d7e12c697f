/** What an alert looks like to the API (GET /alerts, the stream, acknowledgements) and whose area it is in. */
import { Type } from '@sinclair/typebox';
import type { Principal } from '../plugins/auth';

export const AlertSchema = Type.Object({
  id: Type.String(),
  disputeId: Type.String(),
  caseNumber: Type.Optional(Type.String()),
  kind: Type.String(),
  unitCode: Type.String(),
  message: Type.String(),
  raisedAt: Type.String({ format: 'date-time' }),
  ackedBy: Type.Optional(Type.String({ description: 'Username of the staff member who acknowledged it' })),
  ackedAt: Type.Optional(Type.String({ format: 'date-time' })),
  ackNote: Type.Optional(Type.String()),
});

export interface AlertItem {
  id: string;
  disputeId: string;
  caseNumber?: string;
  kind: string;
  unitCode: string;
  message: string;
  raisedAt: string;
  ackedBy?: string;
  ackedAt?: string;
  ackNote?: string;
}

export const COLUMNS = 'id, dispute_id, case_number, kind, unit_code, message, raised_at, acked_by, acked_at, ack_note';
export const ID_PATTERN = '^[0-9]{1,18}$';

const iso = (v: unknown) => (v ? new Date(v as string).toISOString() : undefined);

export function itemOf(r: Record<string, unknown>): AlertItem {
  return {
    id: String(r.id),
    disputeId: r.dispute_id as string,
    caseNumber: (r.case_number as string | null) ?? undefined,
    kind: r.kind as string,
    unitCode: r.unit_code as string,
    message: r.message as string,
    raisedAt: iso(r.raised_at)!,
    ackedBy: (r.acked_by as string | null) ?? undefined,
    ackedAt: iso(r.acked_at),
    ackNote: (r.ack_note as string | null) ?? undefined,
  };
}

/** The area filter of a reader: undefined for admins (everything), null when they have no area. */
export function areaOf(p: Extract<Principal, { kind: 'staff' }>): string | null | undefined {
  if (p.role === 'admin') return undefined;
  return p.unitPath ?? null;
}
