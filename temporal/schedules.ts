import { ScheduleAlreadyRunning, type Client } from '@temporalio/client';

export const SAFETY_INDEX_SCHEDULE_ID = 'fengqiao-safety-index-nightly';

/** The nightly Safety Index run, at 00:30 in China (16:30 UTC): created once, left alone after. */
export async function ensureSafetyIndexSchedule(client: Client, taskQueue: string): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: SAFETY_INDEX_SCHEDULE_ID,
      spec: { cronExpressions: ['30 16 * * *'] },
      action: { type: 'startWorkflow', workflowType: 'safetyIndexWorkflow', taskQueue, args: [{}] },
      policies: { overlap: 'SKIP', catchupWindow: '1 day' },
    });
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
  }
}
