/**
 * The first import of worker/main.ts (`npm run worker`): tracing starts (when configured: config/telemetry.ts)
 * before anything loads `pg`, so that PostgreSQL's queries are traced. Service name: fengqiao-worker
 * unless OTEL_SERVICE_NAME says otherwise.
 */
import { startTracing } from './tracing';

startTracing({ defaultServiceName: 'fengqiao-worker' });
