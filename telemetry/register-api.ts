/**
 * The first import of api/server.ts (`npm run api`): tracing starts (when configured: config/telemetry.ts)
 * before anything loads `pg`, so that PostgreSQL's queries are traced. Service name: fengqiao-api
 * unless OTEL_SERVICE_NAME says otherwise.
 */
import { startTracing } from './tracing';

startTracing({ defaultServiceName: 'fengqiao-api' });
