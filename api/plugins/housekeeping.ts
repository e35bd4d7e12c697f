import fp from 'fastify-plugin';
import { purgeExpiredKeys } from '../idempotency';

/** Hourly: drop Idempotency-Keys past their 24 hours (any API process may do it; it is idempotent). */
export default fp(
  async (app) => {
    const timer = setInterval(() => {
      purgeExpiredKeys(app.orm.em.fork()).catch((err: unknown) => app.log.warn({ err }, 'purging idempotency keys failed'));
    }, 3600_000);
    timer.unref();
    app.addHook('onClose', async () => clearInterval(timer));
  },
  { name: 'housekeeping', dependencies: ['orm'] },
);
