/**
 * After a holiday arrangement is entered or corrected: every open case whose running working-day
 * deadlines reach into that year (in that region) is signalled to re-plan them. Durable where an
 * API request is not: a restart in the middle picks up where it was. Pages of cases in id order;
 * continues as new after a number of pages so the history stays small.
 */
import { continueAsNew, getExternalWorkflowHandle, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { calendarChangedSignal, workflowIdFor } from './dispute.messages';

export interface HolidayReplanInput {
  year: number;
  region: string | null;
  revision: number;
  /** Where a continued run resumes (the last case id signalled) and how many it had signalled. */
  afterId?: string;
  signalled?: number;
}

const PAGE = 100;
const PAGES_PER_RUN = 20;

export const holidayReplanWorkflowId = (region: string | null, year: number, revision: number): string =>
  `holiday-replan-${region ?? 'national'}-${year}-r${revision}`;

export async function holidayReplanWorkflow(input: HolidayReplanInput): Promise<{ signalled: number }> {
  const { casesToReplan } = proxyActivities<Activities>({
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '10 seconds', // a killed worker's page is retried after 10 s, not 2 min
    // A finite budget (about 10 minutes): a run that fails is started again by POST /admin/calendars/{year}/replan.
    retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 15 },
  });
  let afterId = input.afterId;
  let signalled = input.signalled ?? 0;
  for (let page = 0; page < PAGES_PER_RUN; page++) {
    const ids = await casesToReplan({
      year: input.year,
      region: input.region,
      afterId,
      limit: PAGE,
      at: new Date().toISOString(),
    });
    const prompt = { revision: input.revision, year: input.year, region: input.region };
    const sent = await Promise.all(
      ids.map((id) =>
        getExternalWorkflowHandle(workflowIdFor(id))
          .signal(calendarChangedSignal, prompt)
          .then(() => 1)
          // A case closed since the read model listed it has no running workflow: nothing to re-plan.
          .catch((err: unknown) => {
            log.warn('case not signalled to re-plan', { disputeId: id, error: String(err) });
            return 0;
          }),
      ),
    );
    signalled += sent.reduce((a: number, b: number) => a + b, 0);
    if (ids.length < PAGE) return { signalled };
    afterId = ids[ids.length - 1];
  }
  return continueAsNew<typeof holidayReplanWorkflow>({ ...input, afterId, signalled });
}
