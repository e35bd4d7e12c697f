import fp from 'fastify-plugin';
import { raiseMissingYearAlerts } from '../../activities/holidays';
import { missingNationalYears } from '../../db/holidays';
import { purgeExpiredKeys } from '../idempotency';
import { DEFAULT_SESSION_IDLE_SECONDS, purgeSessions } from '../sessions';
import { purgeRateLimits } from './rate-limit-store';
import { DEFAULT_RETENTION, type RetentionConfig } from '../../config/retention';
import { runRetention } from '../../ops/retention';

/**
 * Hourly, and once at start (any API process may do it; each step is idempotent):
 * - drop Idempotency-Keys past their 24 hours;
 * - drop staff sessions that can no longer be used (revoked, expired, idle) and rate-limit counters
 *   whose window ended an hour ago;
 * - while this year's national holiday arrangement, or from 1 October next year's, is missing,
 *   raise the alert that it is (one per year and top-level unit; acknowledged by itself when the
 *   year is entered);
 * - retention (ops/retention.ts, docs/retention.md): notices, parties' codes and webhook logs past their
 *   period purged, closed case files past CASE_ARCHIVE_YEARS reduced and their evidence files deleted.
 */
export default fp<{ sessionIdleSeconds?: number; retention?: RetentionConfig }>(
  async (app, opts) => {
    const run = () => {
      purgeExpiredKeys(app.orm.em.fork()).catch((err: unknown) =>
        app.log.warn({ err }, 'purging idempotency keys failed'),
      );
      purgeSessions(app.orm.em.fork(), opts.sessionIdleSeconds ?? DEFAULT_SESSION_IDLE_SECONDS).catch((err: unknown) =>
        app.log.warn({ err }, 'purging ended sessions failed'),
      );
      purgeRateLimits(app.orm).catch((err: unknown) => app.log.warn({ err }, 'purging rate-limit counters failed'));
      checkHolidayYears().catch((err: unknown) => app.log.warn({ err }, 'checking the holiday arrangements failed'));
      runRetention(app.orm.em.fork(), app.attachmentStore, opts.retention ?? DEFAULT_RETENTION).then(
        (done) => {
          if (done.reduced.length || done.filesDeleted || Object.values(done.purged).some((n) => n > 0))
            app.log.info({ retention: { ...done, reduced: done.reduced.length } }, 'retention: expired data removed');
          if (done.failed.length)
            app.log.warn(
              { failed: done.failed },
              '卷宗删减失败，下次再试 / reducing these case files failed; retried next run',
            );
        },
        (err: unknown) => app.log.warn({ err }, 'retention run failed'),
      );
    };
    async function checkHolidayYears(): Promise<void> {
      const em = app.orm.em.fork();
      const now = new Date();
      const missing = await missingNationalYears(em, now);
      if (missing.length) {
        app.log.warn({ years: missing }, 'holiday arrangements missing: deadlines in these years are provisional');
        await raiseMissingYearAlerts(em, missing, now);
      }
    }
    const timer = setInterval(run, 3600_000);
    timer.unref();
    app.addHook('onReady', async () => run());
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'housekeeping', dependencies: ['orm'] },
);
