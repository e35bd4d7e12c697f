/**
 * The SLA policies of the test/law files: category `land`, priority `urgent` (no other test file
 * uses it; `land`/`normal` is test/api/alert-stream.test.ts's). Wall-clock seconds, so that the
 * warnings and breaches whose texts people read fire within a test. Inserted once per run, the same
 * by every file that needs them.
 */
import type { TestSystem } from '../helpers/system';

export const LAW_CATEGORY = 'land';
export const LAW_PRIORITY = 'urgent';

export async function insertLawPolicies(sys: TestSystem): Promise<void> {
  await sys.orm.em.execute(
    `insert into sla_policies (category, priority, level, accept_seconds, handling_seconds, report_in_seconds, signature_seconds, follow_up_days, warning_share, auto_escalate, calendar)
     values ('land', 'urgent', 'community', 3, 5, 3600, 2, 15, 0.5, true, 'wall-clock'),
            ('land', 'urgent', 'street', 3600, 3600, 2, 3600, 15, 0.5, true, 'wall-clock')
     on conflict (category, priority, level) do nothing`,
  );
}
