/** What the reconciler (ops/reconcile.ts) reports: one finding per difference, with the command that fixes it. */

/**
 * - `workflow_missing` (a): an open case in the read model whose workflow `dispute-<id>` Temporal does not have;
 * - `workflow_closed` (a): an open case whose workflow failed, was terminated, cancelled or timed out;
 * - `row_missing` (b): a running workflow with no read-model row;
 * - `mismatch` (c): the row's stage, outcome, level, unit, next deadline, case number or seq differs from the workflow's state;
 * - `events_missing` (c): the audit trail (dispute_events) ends before the workflow's last event;
 * - `workflow_behind` (c): the row is ahead of the workflow (Temporal restored from an older backup than PostgreSQL);
 * - `evidence_missing` (c): evidence on the case's record whose `attachments` row is gone;
 * - `counter_behind` (d): a numbering counter below a number already issued;
 * - `agreement_missing` (d): an effective agreement whose sealed record is not in `agreements`.
 */
export type FindingKind =
  | 'workflow_missing'
  | 'workflow_closed'
  | 'row_missing'
  | 'mismatch'
  | 'events_missing'
  | 'workflow_behind'
  | 'evidence_missing'
  | 'counter_behind'
  | 'agreement_missing';

export interface Finding {
  check: 'a' | 'b' | 'c' | 'd';
  kind: FindingKind;
  disputeId?: string;
  caseNumber?: string;
  /** What differs: `stage`, `level`, `unit`, `deadline`, …, or the counter. */
  field?: string;
  /** The value in PostgreSQL (the read model, the counter). */
  readModel?: string | number | null;
  /** The value in the workflow (its state, the number it holds). */
  workflow?: string | number | null;
  /** 中文 / English. */
  message: string;
  /** The command or step that fixes it. */
  fix: string;
  /** Set by `--repair` when it was fixed. */
  repaired?: boolean;
}

export interface ReconcileReport {
  findings: Finding[];
  /** What could not be checked (a query that failed, a number not understood): exit code 2. */
  errors: string[];
  checked: { rows: number; workflows: number; numbers: number };
  repaired: number;
}
