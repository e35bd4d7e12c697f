/** The Safety Index run: on demand for one period, or nightly (the Schedule) for yesterday and its month. */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { chinaDate } from '../domain/safety-index';

export interface SafetyIndexInput {
  periodKind?: 'day' | 'month';
  /** A China date (YYYY-MM-DD) inside the period. */
  date?: string;
}

export async function safetyIndexWorkflow(
  input: SafetyIndexInput = {},
): Promise<Array<{ units: number; periodStart: string }>> {
  const { computeSafetyIndex } = proxyActivities<Activities>({
    startToCloseTimeout: '10 minutes',
    heartbeatTimeout: '10 seconds', // a killed worker's computation is retried after 10 s, not 10 min
    retry: { initialInterval: '10 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
  });
  if (input.periodKind && input.date)
    return [await computeSafetyIndex({ periodKind: input.periodKind, date: input.date })];
  const yesterday = chinaDate(new Date(Date.now() - 24 * 3600 * 1000));
  return [
    await computeSafetyIndex({ periodKind: 'day', date: yesterday }),
    await computeSafetyIndex({ periodKind: 'month', date: yesterday }),
  ];
}
