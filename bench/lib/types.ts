export interface BenchConfig {
  mode: 'quick' | 'full';
  /** Interleaved runs per figure (each figure is the median). At least 5. */
  rounds: number;
  /** Cases per run of the start benchmark, by concurrency. */
  startCases: Record<number, number>;
  /** `costs`: also run the bare workflow with one of the dispute workflow's extras a step (--lifecycle-costs). */
  lifecycle: { cases: number; concurrency: number; costs?: boolean };
  latency: {
    lanes: number;
    ceilingActions: number;
    openLoopMs: number;
    notesPerCase: number;
    minOpenLoopActions: number;
  };
  documentsWindowMs: number;
  safetyIndex: { cases: number; eventsPerCase: number };
  memory: { cases: number; warmup: number; startConcurrency: number; freshWorker: boolean };
  apiLogLevel: string;
  /** Send an Idempotency-Key with each report, as integrators are told to. */
  idempotencyKeys: boolean;
}

export interface Row {
  figure: string;
  unit: string;
  subject: { label: string; value: number };
  baseline: { label: string; value: number };
  /** subject / baseline (what "ratio" means for the row is in `figure`/`target`). */
  ratio: number;
  target?: string;
  met?: boolean;
  note?: string;
}

export interface SectionResult {
  name: string;
  rows: Row[];
  /** Every run's raw figures, in round order. */
  runs: Record<string, unknown>;
  notes?: string[];
  seconds?: number;
  /** When the section finished (ISO). */
  measuredAt?: string;
}
