/**
 * The first import of scripts/start.ts (`npm start`, API and worker in one process): tracing starts (when configured: config/telemetry.ts)
 * before anything loads `pg`, so that PostgreSQL's queries are traced. Service name: fengqiao
 * unless OTEL_SERVICE_NAME says otherwise.
 */
import { startTracing } from './tracing';

startTracing({ defaultServiceName: 'fengqiao' });
